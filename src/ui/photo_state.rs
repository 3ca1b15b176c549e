//! The Photos panel's state and every change to it (the panel drives it with `use_reducer`;
//! natively it is unit-tested below): the photo, what EfficientNet-Lite0 says of it, the
//! attack's settings and its result.

use blindspot_core::attack::{Goal, MethodName};
use blindspot_core::imagenet::{CLASSES, Classes, OSTRICH, Ranked, attacks};
use blindspot_core::levels::from_bytes;
use blindspot_core::work::{PhotoAttacked, PhotoJob};

/// The sample photos (`models/imagenet/samples/`, licences in its README).
pub const SAMPLES: [&str; 3] = ["chelsea.png", "coffee.png", "rocket.jpg"];
/// The L∞ budgets offered to PGD and FGSM, in 8-bit levels (2/255 … 8/255).
pub const EPSILONS: [f32; 4] = [2.0, 4.0, 6.0, 8.0];
/// The methods offered: the paper's L-BFGS, and PGD (FGSM is PGD's one-step special case).
pub const METHODS: [MethodName; 2] = [MethodName::Pgd, MethodName::Lbfgs];

/// A finished attack on the photo, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoResult {
    pub attacked: PhotoAttacked,
    /// The adversarial photo, `[3, 224, 224]` in [0, 1].
    pub adversarial: Vec<f32>,
    pub milliseconds: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PhotoState {
    /// Where the photo came from (a sample's or an upload's file name).
    pub source: Option<String>,
    /// The 224×224 crop the model sees, `[3, 224, 224]` in 8-bit levels.
    pub pixels: Option<Vec<u8>>,
    /// The model's most probable classes for `pixels`.
    pub top: Option<Vec<Ranked>>,
    /// `None`: untargeted.
    pub target: Option<usize>,
    pub method: MethodName,
    pub epsilon_levels: f32,
    pub gain: f32,
    pub result: Option<PhotoResult>,
    pub busy: Option<String>,
    pub error: Option<String>,
}

impl Default for PhotoState {
    fn default() -> Self {
        PhotoState {
            source: None,
            pixels: None,
            top: None,
            target: Some(OSTRICH),
            method: MethodName::Pgd,
            epsilon_levels: attacks::EPSILON_LEVELS,
            gain: blindspot_core::imagenet::figure::GAIN,
            result: None,
            busy: None,
            error: None,
        }
    }
}

pub enum PhotoAction {
    /// A new photo (its name and crop): its classes and any result are gone.
    Photo(String, Vec<u8>),
    /// What the model said of these pixels (dropped when the photo has changed since); the
    /// read is over either way.
    Top(Vec<u8>, Vec<Ranked>),
    Target(Option<usize>),
    Method(MethodName),
    Epsilon(f32),
    Gain(f32),
    Busy(Option<String>),
    /// An attack on these pixels finished (dropped when the photo has changed since).
    Result(Vec<u8>, PhotoAttacked, f64),
    Error(Option<String>),
}

impl PhotoState {
    pub fn apply(&self, action: PhotoAction) -> PhotoState {
        let mut s = self.clone();
        match action {
            PhotoAction::Photo(source, pixels) => {
                s.source = Some(source);
                s.pixels = Some(pixels);
                s.top = None;
                s.result = None;
                s.error = None;
            }
            PhotoAction::Top(pixels, top) => {
                s.busy = None;
                if s.pixels.as_ref() == Some(&pixels) {
                    s.top = Some(top);
                }
            }
            PhotoAction::Target(t) => s.target = t,
            PhotoAction::Method(m) => s.method = m,
            PhotoAction::Epsilon(e) => s.epsilon_levels = e,
            PhotoAction::Gain(g) => s.gain = g.clamp(1.0, 50.0),
            PhotoAction::Busy(b) => s.busy = b,
            PhotoAction::Result(pixels, attacked, milliseconds) => {
                s.busy = None;
                if s.pixels.as_ref() == Some(&pixels) {
                    s.result = Some(PhotoResult {
                        adversarial: from_bytes(&attacked.adversarial),
                        attacked,
                        milliseconds,
                    });
                    s.error = None;
                }
            }
            PhotoAction::Error(e) => {
                if e.is_some() {
                    s.busy = None;
                }
                s.error = e;
            }
        }
        s
    }

    /// Whether the panel takes a photo now: its class names are there (`classes_loaded`) and
    /// nothing runs.
    pub fn ready(&self, classes_loaded: bool) -> bool {
        classes_loaded && self.busy.is_none()
    }

    /// The attack the settings describe, on the photo shown (none without one).
    pub fn job(&self) -> Option<PhotoJob> {
        Some(PhotoJob {
            pixels: self.pixels.clone()?,
            goal: Goal::from_target(self.target),
            method: self.method,
            epsilon_levels: self.epsilon_levels,
            steps: attacks::PGD_STEPS,
        })
    }
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for PhotoState {
    type Action = PhotoAction;

    fn reduce(self: std::rc::Rc<Self>, action: PhotoAction) -> std::rc::Rc<Self> {
        std::rc::Rc::new(self.apply(action))
    }
}

/// How the target box writes class `label` ("9 ostrich") and `None` ("untargeted").
pub fn target_text(classes: &Classes, target: Option<usize>) -> String {
    target.map_or("untargeted".into(), |t| format!("{t} {}", classes.name(t)))
}

/// The class a person typed or picked in the target box: "untargeted", an index, an index
/// and a name as the list writes them ("9 ostrich"), or a name only one class has.
pub fn parse_target(classes: &Classes, text: &str) -> Result<Option<usize>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("untargeted") {
        return Ok(None);
    }
    let number = text.split(' ').next().and_then(|n| n.parse::<usize>().ok());
    match number {
        Some(i) if i < CLASSES => Ok(Some(i)),
        Some(i) => Err(format!("class {i} is not one of 0–999")),
        None => classes.find(text).map(Some).map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blindspot_core::imagenet::attacks::PhotoAttack;

    fn classes() -> Classes {
        let mut names: Vec<String> = (0..CLASSES).map(|i| format!("class{i}")).collect();
        names[OSTRICH] = "ostrich, Struthio camelus".into();
        names[134] = "crane".into();
        names[517] = "crane".into();
        Classes::parse(&names.join("\n")).unwrap()
    }

    fn attacked(pixels: &[u8]) -> PhotoAttacked {
        let ranked = vec![Ranked {
            label: OSTRICH,
            name: "ostrich".into(),
            probability: 0.9,
        }];
        PhotoAttacked {
            report: PhotoAttack {
                label: OSTRICH,
                name: "ostrich".into(),
                target: OSTRICH,
                target_name: "ostrich".into(),
                success: true,
                rms: 0.02,
                linf_levels: 8.0,
                iterations: 10,
                before: ranked.clone(),
                after: ranked,
                adversarial: Vec::new(),
            },
            adversarial: pixels.iter().map(|p| p.saturating_add(1)).collect(),
        }
    }

    #[test]
    fn targets_are_read_as_the_list_writes_them_and_bad_ones_say_why() {
        let c = classes();
        assert_eq!(
            parse_target(&c, &target_text(&c, Some(OSTRICH))),
            Ok(Some(9))
        );
        assert_eq!(target_text(&c, Some(OSTRICH)), "9 ostrich");
        assert_eq!(parse_target(&c, " Ostrich "), Ok(Some(9)));
        assert_eq!(parse_target(&c, "Struthio camelus"), Ok(Some(9)));
        assert_eq!(parse_target(&c, "517"), Ok(Some(517)));
        assert_eq!(parse_target(&c, "untargeted"), Ok(None));
        assert!(parse_target(&c, "1000").unwrap_err().contains("0–999"));
        assert!(parse_target(&c, "crane").unwrap_err().contains("134"));
        assert!(parse_target(&c, "unicorn").is_err());
        assert!(parse_target(&c, "").is_err());
    }

    #[test]
    fn a_new_photo_clears_its_classes_and_the_result() {
        let a = vec![1u8; 12];
        let s = PhotoState::default()
            .apply(PhotoAction::Photo("a.png".into(), a.clone()))
            .apply(PhotoAction::Top(a.clone(), vec![]))
            .apply(PhotoAction::Result(a.clone(), attacked(&a), 5.0));
        assert!(s.top.is_some() && s.result.is_some());
        assert_eq!(s.result.as_ref().unwrap().adversarial[0], 2.0 / 255.0);
        let s = s.apply(PhotoAction::Photo("b.png".into(), vec![2u8; 12]));
        assert!(s.top.is_none() && s.result.is_none());
        assert_eq!(s.source.as_deref(), Some("b.png"));
    }

    #[test]
    fn answers_for_an_earlier_photo_are_dropped() {
        let (a, b) = (vec![1u8; 12], vec![2u8; 12]);
        let s = PhotoState::default()
            .apply(PhotoAction::Photo("a.png".into(), a.clone()))
            .apply(PhotoAction::Photo("b.png".into(), b.clone()))
            .apply(PhotoAction::Busy(Some("attacking".into())))
            .apply(PhotoAction::Top(a.clone(), vec![]))
            .apply(PhotoAction::Result(a.clone(), attacked(&a), 5.0));
        assert!(s.top.is_none() && s.result.is_none());
        assert_eq!(
            s.busy, None,
            "the attack is over even though its answer is dropped"
        );
    }

    #[test]
    fn a_read_is_busy_until_its_answer_or_its_error() {
        let a = vec![1u8; 12];
        let s = PhotoState::default().apply(PhotoAction::Busy(Some("loading a.png…".into())));
        assert!(
            !s.ready(true),
            "a second click is refused while the first is read"
        );
        let s = s.apply(PhotoAction::Photo("a.png".into(), a.clone()));
        assert!(s.busy.is_some(), "still reading once the crop is shown");
        let read = s.clone().apply(PhotoAction::Top(a.clone(), vec![]));
        assert!(read.ready(true) && read.top.is_some());
        let failed = s.apply(PhotoAction::Error(Some(
            "the CPU worker went silent".into(),
        )));
        assert!(failed.ready(true) && failed.error.is_some());
        assert!(!failed.ready(false), "not before the class names are there");
    }

    #[test]
    fn a_bad_photo_keeps_the_one_shown_and_says_why() {
        let a = vec![1u8; 12];
        let s = PhotoState::default()
            .apply(PhotoAction::Photo("a.png".into(), a.clone()))
            .apply(PhotoAction::Error(Some("b.png is empty".into())));
        assert_eq!(s.pixels, Some(a));
        assert_eq!(s.error.as_deref(), Some("b.png is empty"));
    }

    #[test]
    fn the_default_job_is_pgd_towards_ostrich_within_8_levels() {
        assert!(PhotoState::default().job().is_none());
        let s = PhotoState::default().apply(PhotoAction::Photo("a".into(), vec![0; 3]));
        let job = s.job().unwrap();
        assert_eq!(job.goal, Goal::Target(OSTRICH));
        assert_eq!((job.method, job.epsilon_levels), (MethodName::Pgd, 8.0));
        let s = s.apply(PhotoAction::Target(None));
        assert_eq!(s.job().unwrap().goal, Goal::Untargeted);
    }
}
