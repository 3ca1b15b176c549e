//! Spot the changed digit: 20 rounds of a test digit beside its adversarial example (towards a
//! random wrong label, the model's minimal L-BFGS change rescaled to the staircase's RMS); the
//! student picks the changed one (click, tap, or ← →). At the end: their detection threshold
//! beside the RMS the attack needed on those digits, the staircase drawn, and a CSV.
use super::{DigitCanvas, QuizChart};
use crate::compute::lab::{LabRef, Run};
use crate::ui::colour::digit_rgba;
use crate::ui::pixels::download_csv;
use crate::ui::quiz::{ROUNDS, Round, Trial, csv, next_rms, rounds, shown_change, threshold};
use blindspot_core::attack::{Goal, MethodName, Settings};
use blindspot_core::data::Digits;
use blindspot_core::work::AttackJob;
use std::rc::Rc;
use web_sys::KeyboardEvent;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lab: LabRef,
    pub digits: Option<Rc<Digits>>,
    pub model: String,
    /// The rounds' seed (a link's `seed`); `None`: a new one at Start, written to the link.
    pub seed: Option<u32>,
    pub on_seed: Callback<u32>,
}

/// The attack's change for one round: L-BFGS's adversarial image and its RMS, whether it
/// reached the target.
#[derive(Clone, PartialEq)]
struct Found {
    adversarial: Vec<f32>,
    rms: f64,
    reached: bool,
}

/// A quiz under way or done: its rounds, the attack's changes as they come in (in order),
/// and the answers so far.
#[derive(Clone, PartialEq)]
struct Quiz {
    seed: u32,
    model: String,
    rounds: Vec<Round>,
    found: Vec<Result<Found, String>>,
    trials: Vec<Trial>,
}

/// The current round's pair as shown: the round, the test digit, the changed one and the
/// change's RMS. `None`: the attack for it is still running (or the quiz is over); `Err`: it
/// failed.
type Pair = (Round, Vec<f32>, Vec<f32>, f64);

impl Quiz {
    /// The pair the student answers now; the one place its change is made, for the page and the
    /// answer alike.
    fn pair(&self, digits: &Digits) -> Option<Result<Pair, String>> {
        let k = self.trials.len();
        let round = *self.rounds.get(k)?;
        Some(self.found.get(k)?.clone().map(|found| {
            let original = digits.pixels(round.digit);
            let (changed, rms) =
                shown_change(&original, &found.adversarial, next_rms(&self.trials));
            (round, original, changed, rms)
        }))
    }
}

/// What the mean of the attack's RMS is over the rounds it reached (`None`: none yet).
fn attack_rms(found: &[Result<Found, String>]) -> Option<f64> {
    let reached: Vec<f64> = (found.iter().flatten())
        .filter(|f| f.reached)
        .map(|f| f.rms)
        .collect();
    (!reached.is_empty()).then(|| reached.iter().sum::<f64>() / reached.len() as f64)
}

/// The sentence the end says: what the student's threshold means beside the attack's.
fn verdict(threshold: f64, attack: f64) -> String {
    if threshold > attack {
        format!(
            "The network was fooled by changes you could not see: you needed an RMS of about {threshold:.3} to spot a change, the attack needed only {attack:.3} to change the network's answer."
        )
    } else {
        format!(
            "You spotted changes smaller than the ones that fooled the network (your threshold {threshold:.3} against the attack's {attack:.3}): on these digits its blind spots were not invisible to you."
        )
    }
}

#[function_component]
pub fn QuizPanel(props: &Props) -> Html {
    // The quiz lives in a cell (the attacks' answers and the student's come in any order, each
    // added to what is there), a render forced after each change.
    let quiz = use_mut_ref(|| None::<Quiz>);
    let redraw = use_force_update();
    // The quiz the running attacks belong to (a new Start makes older answers stale).
    let current = use_mut_ref(|| 0u32);
    let left = use_node_ref();
    let start = {
        let (quiz, redraw, current, lab, digits, model, seed, on_seed) = (
            quiz.clone(),
            redraw.clone(),
            current.clone(),
            props.lab.clone(),
            props.digits.clone(),
            props.model.clone(),
            props.seed,
            props.on_seed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(digits) = digits.clone() else {
                return;
            };
            let seed = seed.unwrap_or_else(|| (js_sys::Math::random() * u32::MAX as f64) as u32);
            on_seed.emit(seed);
            lab.0.stop(Run::Quiz);
            *current.borrow_mut() += 1;
            let this = *current.borrow();
            let drawn = rounds(seed as u64, &digits.labels);
            *quiz.borrow_mut() = Some(Quiz {
                seed,
                model: model.clone(),
                rounds: drawn.clone(),
                found: Vec::new(),
                trials: Vec::new(),
            });
            redraw.force_update();
            let (quiz, redraw, current, lab, model) = (
                quiz.clone(),
                redraw.clone(),
                current.clone(),
                lab.clone(),
                model.clone(),
            );
            // The attacks, one round after another, ahead of the student.
            wasm_bindgen_futures::spawn_local(async move {
                for round in drawn {
                    let job = AttackJob {
                        model: model.clone(),
                        pixels: digits.pixels(round.digit),
                        label: digits.labels[round.digit],
                        goal: Goal::Target(round.target.into()),
                        method: MethodName::Lbfgs.with(&Settings::default()),
                    };
                    let found = (lab.0.attack(job, Run::Quiz, |_| {}).await)
                        .map(|a| Found {
                            rms: a.outcome.distortion.rms as f64,
                            reached: a.outcome.success,
                            adversarial: a.outcome.adversarial,
                        })
                        .map_err(|e| e.to_string());
                    if *current.borrow() != this {
                        return;
                    }
                    if let Some(q) = quiz.borrow_mut().as_mut() {
                        q.found.push(found);
                    }
                    redraw.force_update();
                }
            });
        })
    };
    let answer = {
        let (quiz, redraw, digits) = (quiz.clone(), redraw.clone(), props.digits.clone());
        Callback::from(move |picked_left: bool| {
            let mut held = quiz.borrow_mut();
            let (Some(q), Some(digits)) = (held.as_mut(), digits.as_ref()) else {
                return;
            };
            let Some(Ok((round, _, _, rms))) = q.pair(digits) else {
                return;
            };
            q.trials.push(Trial {
                round,
                rms,
                picked_left,
            });
            drop(held);
            redraw.force_update();
        })
    };
    // Each new round: the keyboard's focus on the left digit, so that ← → and Tab work at once.
    {
        let left = left.clone();
        let k = (quiz.borrow().as_ref()).map(|q| (q.trials.len(), q.found.len()));
        use_effect_with(k, move |_| {
            if let Some(button) = left.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let keydown = {
        let answer = answer.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowLeft" => {
                e.prevent_default();
                answer.emit(true)
            }
            "ArrowRight" => {
                e.prevent_default();
                answer.emit(false)
            }
            _ => {}
        })
    };
    let held = quiz.borrow().clone();
    let body = match (held.as_ref(), props.digits.as_ref()) {
        (None, _) | (_, None) => html! {},
        (Some(q), Some(_)) if q.trials.len() == ROUNDS => results(q),
        (Some(q), Some(digits)) => {
            let k = q.trials.len();
            match q.pair(digits) {
                None => {
                    html! { <p class="busy" data-testid="quiz-waiting">{"Preparing the next pair…"}</p> }
                }
                Some(Err(e)) => html! { <p class="error" role="alert">{e.clone()}</p> },
                Some(Ok((round, original, changed, rms))) => {
                    let (l, r) = if round.changed_left {
                        (changed, original)
                    } else {
                        (original, changed)
                    };
                    html! {
                        <div class="quiz-pair" data-testid="quiz-pair" data-digit={round.digit.to_string()} onkeydown={keydown}>
                            <p>{format!("Round {} of {ROUNDS}: which digit was changed? (RMS of the change {rms:.3})", k + 1)}</p>
                            <div class="row">
                                <button ref={left} class="quiz-pick" data-testid="quiz-left" aria-label="the left digit was changed (← key)"
                                    onclick={answer.reform(|_| true)}>
                                    <DigitCanvas rgba={digit_rgba(&l)} class="big" />
                                </button>
                                <button class="quiz-pick" data-testid="quiz-right" aria-label="the right digit was changed (→ key)"
                                    onclick={answer.reform(|_| false)}>
                                    <DigitCanvas rgba={digit_rgba(&r)} class="big" />
                                </button>
                            </div>
                        </div>
                    }
                }
            }
        }
    };
    let round = held.as_ref().map(|q| (q.trials.len() + 1).min(ROUNDS));
    html! {
        <section class="panel" data-testid="quiz-panel">
            <h2>{"Spot the changed digit"}</h2>
            <p class="intro">{format!("Can you see an adversarial change? In each of {ROUNDS} rounds, one digit of the pair is a test digit and the other the same digit changed towards another label along the direction the paper's attack found. Pick the changed one. The change gets smaller after two right answers and larger after a wrong one; at the end you see your threshold beside the change the network needed.")}</p>
            <div class="row">
                <button data-testid="quiz-start" onclick={start} disabled={props.digits.is_none()}>
                    {if held.is_some() { "Start again" } else { "Start" }}
                </button>
                <span data-testid="quiz-round" data-value={round.map(|r| r.to_string())}>
                    { round.map(|r| format!("round {r} of {ROUNDS}")).unwrap_or_default() }
                </span>
                if let Some(q) = held.as_ref() {
                    <span>{format!("seed {} · {}", q.seed, q.model)}</span>
                }
            </div>
            {body}
        </section>
    }
}

/// The end: the threshold, the attack's RMS, what it means, the staircase, the CSV.
fn results(q: &Quiz) -> Html {
    let found = threshold(&q.trials);
    let attack = attack_rms(&q.found);
    let right = q.trials.iter().filter(|t| t.right()).count();
    let table = csv(&q.trials);
    let name = format!("blindspot-quiz-{}-{}.csv", q.model, q.seed);
    html! {
        <div class="quiz-results">
            <p>{format!("{right} of {ROUNDS} right. Your threshold (right 75% of the time): RMS ")}
                <output data-testid="quiz-threshold" data-value={found.map(|t| t.to_string())}>
                    {found.map_or("–".into(), |t| format!("{t:.3}"))}</output>
                {"; the attack needed: RMS "}
                <output data-testid="quiz-attack" data-value={attack.map(|a| a.to_string())}>
                    {attack.map_or("–".into(), |a| format!("{a:.3}"))}</output>
                {" (mean of its minimal changes on these digits)."}</p>
            if let (Some(t), Some(a)) = (found, attack) {
                <p data-testid="quiz-verdict">{verdict(t, a)}</p>
            }
            <QuizChart trials={q.trials.clone()} threshold={found} attack={attack} />
            <button data-testid="quiz-csv" onclick={Callback::from(move |_| download_csv(&table, &name))}>
                {"Download the answers (CSV)"}</button>
        </div>
    }
}
