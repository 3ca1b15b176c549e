//! The page's state and every change to it: one plain, serialisable struct and its reducer
//! (the page drives it with `use_reducer`; natively it is unit-tested below).

use crate::compute::backend::{Backend, Devices};
use crate::ui::challenge::{Means, Task};
use crate::ui::hand::{Dab, MOST_UNDO, dabbed};
use crate::ui::link::{Link, LinkInput, clipped};
use crate::ui::view::{Theme, View};
use blindspot_core::attack::{CwConfig, Distortion, MethodName, Settings};
use blindspot_core::levels::{from_bytes, quantised, to_bytes};
use serde::{Deserialize, Serialize};

/// A finished attack, ready to show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttackView {
    pub adversarial: Vec<f32>,
    pub label: u8,
    pub probabilities: Vec<f32>,
    pub target: usize,
    pub success: bool,
    pub distortion: Distortion,
    pub milliseconds: f64,
    /// The same-RMS Gaussian twin and what the model says of it, once asked for.
    pub noise: Option<Twin>,
}

/// The Gaussian twin of an adversarial example (`experiment::gaussian_twin`) as classified.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Twin {
    pub pixels: Vec<f32>,
    pub label: u8,
    /// The model's probability for `label`.
    pub confidence: f32,
}

/// The probabilities `model` gave `input`, and the milliseconds it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Classified {
    pub model: String,
    pub input: Vec<f32>,
    pub probabilities: Vec<f32>,
    pub milliseconds: f64,
}

/// A model of yours as the menus list it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YourModel {
    pub name: String,
    /// What a person reads, e.g. "yours: convnet, PGD-7 ε=0.1, 3 epochs".
    pub title: String,
    /// The zoo model whose architecture it has (its layers are that model's).
    pub twin: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub backend: Backend,
    /// The backend a person asked for (`None`: whichever start-up found faster).
    pub wanted_backend: Option<Backend>,
    pub devices: Option<Devices>,
    pub model: String,
    /// The student's own models kept in this browser, for the model menus.
    pub yours: Vec<YourModel>,
    /// The 28×28 the model sees, in 8-bit steps (as a link carries it).
    pub input: Option<Vec<f32>>,
    /// The gallery index of the input, when it was picked there (not drawn or uploaded).
    pub digit: Option<usize>,
    pub probabilities: Option<Vec<f32>>,
    /// The input as a person changed it by hand (`None`: unchanged), in 8-bit steps.
    pub hand: Option<Vec<f32>>,
    /// What `hand` was before each stroke, for Undo (newest last).
    pub hand_undo: Vec<Option<Vec<f32>>>,
    /// A pointer is painting by hand (the link waits for the stroke's end).
    pub stroking: bool,
    /// Time the last classification took.
    pub inference_ms: Option<f64>,
    /// The attack, run with `epsilon` where it takes one.
    pub method: MethodName,
    /// `None`: untargeted.
    pub target: Option<u8>,
    pub epsilon: f32,
    /// Carlini–Wagner's confidence κ.
    pub kappa: f32,
    pub gain: f32,
    pub result: Option<AttackView>,
    pub busy: Option<String>,
    pub error: Option<String>,
    /// The view shown alone when the page is embedded (see `link::View`), and the controls
    /// hidden there.
    pub embed: Option<View>,
    pub hide: Vec<String>,
    /// The colours a person chose (`None`: the browser's preference).
    pub theme: Option<Theme>,
    /// The part of the full page a person went to (the contents or a link's `view`).
    pub view: Option<View>,
    /// The quiz's seed, once set by a link or a quiz's start.
    pub seed: Option<u32>,
    /// The challenge a link set (the page shows it alone), and the code a shared solution
    /// claimed.
    pub challenge: Option<Task>,
    pub claimed: Option<String>,
    /// News that is not an error (the WebGPU device was lost and the CPU took over).
    pub notice: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        State {
            backend: Backend::Cpu,
            wanted_backend: None,
            devices: None,
            model: blindspot_core::zoo::DEFAULT.into(),
            yours: Vec::new(),
            input: None,
            digit: None,
            probabilities: None,
            hand: None,
            hand_undo: Vec::new(),
            stroking: false,
            inference_ms: None,
            method: MethodName::Lbfgs,
            target: None,
            epsilon: 0.1,
            kappa: CwConfig::PAGE.kappa,
            gain: 10.0,
            result: None,
            busy: None,
            error: None,
            notice: None,
            embed: None,
            hide: Vec::new(),
            theme: None,
            view: None,
            seed: None,
            challenge: None,
            claimed: None,
        }
    }
}

pub enum Action {
    /// What start-up found, including the backend it chose.
    Devices(Devices),
    /// The backend asked for, and the one the lab now uses.
    Backend(Backend, Backend),
    Model(String),
    /// The student's own models kept in this browser.
    Yours(Vec<YourModel>),
    /// A drawn or uploaded input.
    Input(Vec<f32>),
    /// The gallery's digit of this index, and its pixels.
    Digit(usize, Vec<f32>),
    /// The settings of a link (a gallery digit comes as `Digit` once the gallery is there).
    Link(Link),
    /// Input cleared (the canvas was cleared).
    Clear,
    /// What a model said of an input. Dropped when the model or the input has changed since
    /// it was asked for: answers can come back out of order (a model still loading answers
    /// after one already loaded).
    Probabilities(Classified),
    /// A touch of the by-hand brush on the input (or on what the hand made of it).
    Dab(Dab),
    /// A pointer started (`true`) or ended a stroke by hand.
    Stroke(bool),
    /// The by-hand change before its last stroke.
    HandUndo,
    /// The input as it was, before any stroke (Undo brings the change back).
    HandReset,
    /// A change by hand that a link carried (its Undo history starts afresh).
    Hand(Vec<f32>),
    Method(MethodName),
    Target(Option<u8>),
    Epsilon(f32),
    Kappa(f32),
    Gain(f32),
    Busy(Option<String>),
    Result(AttackView),
    /// The twin of the result whose adversarial pixels come second (dropped when that result
    /// has been replaced meanwhile).
    Noise(Twin, Vec<f32>),
    Error(Option<String>),
    /// The WebGPU device was lost (why): the CPU runs from now on.
    GpuLost(String),
    Notice(Option<String>),
    Theme(Option<Theme>),
    /// The quiz started with this seed.
    Seed(u32),
    /// A person went to this part of the full page.
    View(View),
}

/// The first line of an error from below (a lost device's report runs over many lines of
/// backtrace-like detail), at most 120 characters: enough to say what happened in a notice.
fn headline(text: &str) -> String {
    const MOST: usize = 120;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("no reason given");
    clipped(line, MOST)
}

impl State {
    /// What the state would put in a link.
    pub fn link(&self) -> Link {
        let input = match (self.digit, &self.input) {
            (Some(i), _) => Some(LinkInput::Digit(i)),
            (None, Some(x)) => Some(LinkInput::Ink(to_bytes(x))),
            (None, None) => None,
        };
        Link {
            model: self.model.clone(),
            input,
            hand: self.hand.as_deref().map(to_bytes),
            method: self.method,
            target: self.target,
            epsilon: self.epsilon,
            kappa: self.kappa,
            gain: self.gain,
            backend: self.wanted_backend,
            autorun: false,
            embed: self.embed,
            hide: self.hide.clone(),
            theme: self.theme,
            view: self.view,
            seed: self.seed,
            challenge: self.challenge.clone(),
            code: None,
        }
    }

    /// Every method's settings as the page runs them: its ε and κ, PGD's steps, C&W's page
    /// budget ([`CwConfig::PAGE`]), JSMA's γ.
    pub fn settings(&self) -> Settings {
        Settings {
            epsilon: self.epsilon,
            cw: CwConfig {
                kappa: self.kappa,
                ..CwConfig::PAGE
            },
            ..Settings::default()
        }
    }

    /// The state with a new input, in 8-bit steps (so that a link restores it exactly).
    fn with_input(mut self, pixels: Vec<f32>, digit: Option<usize>) -> State {
        self.input = Some(quantised(&pixels));
        self.digit = digit;
        self.hand = None;
        self.hand_undo.clear();
        self.result = None;
        self.error = None;
        self
    }

    /// The input the model reads by hand: the change, or the input itself before any stroke.
    pub fn by_hand(&self) -> Option<&Vec<f32>> {
        self.hand.as_ref().or(self.input.as_ref())
    }

    /// Keeps the by-hand change for Undo (the oldest go past [`MOST_UNDO`]).
    fn remember_hand(&mut self) {
        if self.hand_undo.len() == MOST_UNDO {
            self.hand_undo.remove(0);
        }
        self.hand_undo.push(self.hand.clone());
    }

    /// The state after `action`.
    pub fn apply(&self, action: Action) -> State {
        let mut s = self.clone();
        match action {
            Action::Devices(d) => {
                s.backend = d.chosen;
                s.devices = Some(d);
            }
            Action::Backend(wanted, now) => {
                s.wanted_backend = Some(wanted);
                s.backend = now;
                s.result = None;
            }
            Action::Model(m) => {
                s.model = m;
                s.result = None;
            }
            Action::Yours(list) => s.yours = list,
            Action::Input(x) => s = s.with_input(x, None),
            Action::Digit(i, x) => s = s.with_input(x, Some(i)),
            Action::Link(link) => {
                // A gallery digit and the hand's change on it come later, once the gallery is here.
                if let Some(LinkInput::Ink(bytes)) = &link.input {
                    s = s.with_input(from_bytes(bytes), None);
                    s.hand = link.hand.as_deref().map(from_bytes);
                }
                if link.model != s.model {
                    s.model = link.model;
                    s.result = None;
                }
                s.method = link.method;
                s.target = link.target;
                s.epsilon = link.epsilon;
                s.kappa = link.kappa;
                s.gain = link.gain;
                s.wanted_backend = link.backend;
                s.embed = link.embed;
                s.hide = link.hide;
                s.theme = link.theme;
                s.seed = link.seed;
                s.view = link.view;
                s.challenge = link.challenge;
                s.claimed = link.code;
            }
            Action::Clear => {
                s.input = None;
                s.digit = None;
                s.hand = None;
                s.hand_undo.clear();
                s.probabilities = None;
                s.result = None;
            }
            Action::Probabilities(c) => {
                if c.model == s.model && s.input.as_ref() == Some(&c.input) {
                    s.probabilities = Some(c.probabilities);
                    s.inference_ms = Some(c.milliseconds);
                }
            }
            Action::Dab(dab) => {
                if s.input.is_some() {
                    if dab.starts {
                        s.remember_hand();
                    }
                    s.hand = s.by_hand().map(|now| dabbed(now, &dab.cells, dab.add));
                }
            }
            Action::Stroke(on) => s.stroking = on,
            Action::HandUndo => {
                if let Some(before) = s.hand_undo.pop() {
                    s.hand = before;
                }
            }
            Action::HandReset => {
                if s.hand.is_some() {
                    s.remember_hand();
                    s.hand = None;
                }
            }
            Action::Hand(pixels) => {
                s.hand = s.input.is_some().then(|| quantised(&pixels));
                s.hand_undo.clear();
            }
            Action::Method(m) => s.method = m,
            Action::Target(t) => s.target = t,
            Action::Epsilon(e) => s.epsilon = e,
            Action::Kappa(k) => s.kappa = k,
            Action::Gain(g) => s.gain = g,
            Action::Busy(b) => s.busy = b,
            Action::Result(r) => {
                // In a challenge that allows attacks, an attack's result is the student's answer
                // (to check, share or change further by hand).
                let attacks = s.challenge.as_ref().is_some_and(|t| t.means == Means::Any);
                if attacks && s.input.is_some() {
                    s.remember_hand();
                    s.hand = Some(quantised(&r.adversarial));
                }
                s.result = Some(r);
                s.busy = None;
            }
            Action::Noise(twin, of) => {
                if let Some(r) = s.result.as_mut().filter(|r| r.adversarial == of) {
                    r.noise = Some(twin);
                }
            }
            Action::Error(e) => {
                s.error = e;
                s.busy = None;
            }
            Action::GpuLost(why) => {
                s.backend = Backend::Cpu;
                if let Some(d) = s.devices.as_mut() {
                    d.adapter = Err(why.clone());
                    d.chosen = Backend::Cpu;
                }
                s.notice = Some(format!(
                    "{}: the job ran on the CPU instead.",
                    headline(&why)
                ));
            }
            Action::Notice(n) => s.notice = n,
            Action::Theme(t) => s.theme = t,
            Action::Seed(seed) => s.seed = Some(seed),
            Action::View(v) => s.view = Some(v),
        }
        s
    }
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for State {
    type Action = Action;

    fn reduce(self: std::rc::Rc<Self>, action: Action) -> std::rc::Rc<Self> {
        std::rc::Rc::new(self.apply(action))
    }
}

/// The default link is the default state's.
impl Default for Link {
    fn default() -> Self {
        State::default().link()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blindspot_core::PIXELS;

    #[test]
    fn a_state_writes_the_link_that_restores_it() {
        let drawn: Vec<f32> = (0..PIXELS).map(|i| (i % 256) as f32 / 255.0).collect();
        let state = State::default()
            .apply(Action::Input(drawn.clone()))
            .apply(Action::Target(Some(2)));
        let link = state.link();
        assert_eq!(
            link.input,
            Some(LinkInput::Ink(blindspot_core::levels::to_bytes(&drawn)))
        );
        assert_eq!(blindspot_core::levels::quantised(&drawn), drawn);
        assert_eq!(crate::ui::link::Link::read(&link.write()).0, link);
    }

    fn attacked() -> AttackView {
        AttackView {
            adversarial: vec![0.5; 784],
            label: 3,
            probabilities: vec![0.1; 10],
            target: 3,
            success: true,
            distortion: Distortion::default(),
            milliseconds: 12.0,
            noise: None,
        }
    }

    #[test]
    fn a_new_input_clears_the_result_and_the_error() {
        let s = State::default()
            .apply(Action::Result(attacked()))
            .apply(Action::Error(Some("bad upload".into())))
            .apply(Action::Input(vec![0.0; 784]));
        assert!(s.result.is_none() && s.error.is_none() && s.input.is_some());
    }

    #[test]
    fn a_result_ends_the_busy_state_and_a_twin_joins_it() {
        let twin = Twin {
            pixels: vec![0.2; 784],
            label: 7,
            confidence: 0.9,
        };
        let s = State::default()
            .apply(Action::Busy(Some("running".into())))
            .apply(Action::Result(attacked()))
            .apply(Action::Noise(twin.clone(), attacked().adversarial));
        assert_eq!(s.busy, None);
        assert_eq!(s.result.unwrap().noise, Some(twin));
    }

    #[test]
    fn a_twin_without_a_result_is_dropped() {
        let twin = Twin {
            pixels: vec![],
            label: 0,
            confidence: 0.0,
        };
        assert_eq!(
            State::default().apply(Action::Noise(twin.clone(), vec![])),
            State::default()
        );
        let mut later = attacked();
        later.adversarial[0] = 0.25;
        let s = State::default()
            .apply(Action::Result(later))
            .apply(Action::Noise(twin, attacked().adversarial));
        assert_eq!(s.result.unwrap().noise, None, "a twin of an earlier result");
    }

    #[test]
    fn an_answer_for_an_earlier_input_or_model_is_dropped() {
        let answer = |model: &str, input: &[f32], p: f32| {
            Action::Probabilities(Classified {
                model: model.into(),
                input: input.to_vec(),
                probabilities: vec![p; 10],
                milliseconds: 1.0,
            })
        };
        let (two, seven) = (vec![0.0; 784], vec![1.0; 784]);
        let s = State::default()
            .apply(Action::Model("fc100-100-10".into()))
            .apply(Action::Input(seven.clone()))
            .apply(answer("fc100-100-10", &seven, 0.7))
            .apply(answer("fc100-100-10", &two, 0.2))
            .apply(answer("convnet", &seven, 0.3));
        assert_eq!(s.probabilities, Some(vec![0.7; 10]));
    }

    #[test]
    fn a_lost_gpu_moves_the_page_to_the_cpu_and_says_why() {
        let devices = Devices {
            chosen: Backend::WebGpu,
            adapter: Ok("test adapter".into()),
            cpu_ms: 2.0,
            gpu_ms: Some(1.0),
        };
        let s = State::default()
            .apply(Action::Devices(devices))
            .apply(Action::GpuLost("device lost".into()));
        assert_eq!(s.backend, Backend::Cpu);
        assert_eq!(s.devices.unwrap().chosen, Backend::Cpu);
        assert!(s.notice.unwrap().starts_with("device lost"));
    }

    #[test]
    fn a_lost_gpu_notice_shows_one_short_line_of_the_reason() {
        let why = format!(
            "\n  Device lost: {}\n  at wgpu::backend::…\n  caused by…",
            "x".repeat(300)
        );
        let notice = State::default().apply(Action::GpuLost(why)).notice.unwrap();
        assert!(notice.starts_with("Device lost: xxx"), "{notice}");
        assert!(
            !notice.contains('\n') && !notice.contains("wgpu::"),
            "{notice}"
        );
        assert!(notice.chars().count() < 200, "{notice}");
    }

    fn dab(cells: &[(usize, usize)], add: bool, starts: bool) -> Action {
        Action::Dab(Dab {
            cells: cells.to_vec(),
            add,
            starts,
        })
    }

    #[test]
    fn strokes_by_hand_change_the_input_and_undo_takes_back_a_stroke() {
        let step = crate::ui::hand::STEP_LEVELS as f32 / 255.0;
        assert_eq!(
            State::default().apply(dab(&[(0, 0)], true, true)).hand,
            None,
            "no input, nothing to change"
        );
        let s = State::default()
            .apply(Action::Digit(4, vec![0.0; PIXELS]))
            .apply(dab(&[(0, 0)], true, true))
            .apply(dab(&[(0, 1), (0, 2)], true, false))
            .apply(dab(&[(0, 0)], true, true));
        let hand = s.hand.clone().unwrap();
        assert_eq!(hand[..3], [2.0 * step, step, step]);
        assert_eq!(s.by_hand(), Some(&hand));
        assert_eq!(
            s.input,
            Some(vec![0.0; PIXELS]),
            "the input itself unchanged"
        );
        let undone = s.apply(Action::HandUndo);
        assert_eq!(
            undone.hand.unwrap()[..3],
            [step, step, step],
            "one stroke back"
        );
        let reset = s.apply(Action::HandReset);
        assert_eq!(
            (reset.hand.as_ref(), reset.by_hand()),
            (None, reset.input.as_ref())
        );
        assert_eq!(
            reset.apply(Action::HandUndo).hand,
            Some(hand),
            "Reset undone"
        );
        // The link: the gallery digit and the change; a new input drops the change.
        let link = s.link();
        assert_eq!(link.input, Some(LinkInput::Digit(4)));
        assert_eq!(link.hand, s.hand.as_deref().map(to_bytes));
        let fresh = s.apply(Action::Input(vec![0.5; PIXELS]));
        assert_eq!((fresh.hand, fresh.hand_undo.len()), (None, 0));
    }

    #[test]
    fn a_link_restores_a_change_by_hand_on_a_drawn_digit() {
        let drawn = State::default()
            .apply(Action::Input(vec![0.5; PIXELS]))
            .apply(dab(&[(3, 3)], false, true));
        let opened = State::default().apply(Action::Link(Link::read(&drawn.link().write()).0));
        assert_eq!((&opened.input, &opened.hand), (&drawn.input, &drawn.hand));
    }

    #[test]
    fn an_attack_answers_a_challenge_only_where_it_allows_attacks() {
        use crate::ui::challenge::Norm;
        let task = |means| Task {
            model: "fc100-100-10".into(),
            digit: 1,
            target: 3,
            norm: Norm::Rms,
            most: 0.1,
            means,
        };
        let answered = |means| {
            let link = Link {
                challenge: Some(task(means)),
                ..Link::default()
            };
            State::default()
                .apply(Action::Link(link))
                .apply(Action::Digit(1, vec![0.0; PIXELS]))
                .apply(Action::Result(attacked()))
                .hand
        };
        assert_eq!(
            answered(Means::Any),
            Some(quantised(&attacked().adversarial))
        );
        assert_eq!(
            answered(Means::Hand),
            None,
            "by hand only: the result is not an answer"
        );
    }

    #[test]
    fn the_state_survives_a_json_round_trip() {
        let s = State::default()
            .apply(Action::Input(vec![0.25; 784]))
            .apply(Action::Target(Some(3)))
            .apply(Action::Result(attacked()));
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<State>(&text).unwrap(), s);
    }
}
