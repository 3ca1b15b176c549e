//! The page's state as a link: what a person set, written to the URL fragment (`#model=…&…`,
//! never sent to a server) and read back from it. The keys are a contract that course notes
//! rely on (README, "Links"); a bad value falls back to the default for its key and says so.

use crate::compute::backend::Backend;
use crate::ui::challenge::{CODE, Task};
use crate::ui::view::{Theme, View};
use blindspot_core::attack::{Goal, MethodName};
use blindspot_core::{PIXELS, zoo};

/// Digits in the gallery (`www/digits`, the committed test slice): `digit` picks one of them.
pub const GALLERY: usize = 1000;
/// Longest fragment read; a longer one is refused whole (a drawn digit takes about 1.1 kB).
pub const MOST: usize = 8 * 1024;
/// Gain of the perturbation's view, as the result view's slider allows.
pub const GAINS: std::ops::RangeInclusive<f32> = 1.0..=50.0;

/// `text` cut to at most `most` characters, with "…" where it was cut.
pub fn clipped(text: &str, most: usize) -> String {
    match text.char_indices().nth(most) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The controls an embed can hide (`hide=method,target`).
pub const HIDEABLE: [&str; 9] = [
    "model", "draw", "upload", "gallery", "method", "target", "eps", "kappa", "gain",
];

/// The largest C&W confidence κ a link or the menu takes (logits past the boundary).
pub const MOST_KAPPA: f32 = 50.0;

/// A target as a link, the attack menu and the print caption write it: a digit or `untargeted`.
pub fn target_text(target: Option<u8>) -> String {
    target.map_or("untargeted".into(), |t| t.to_string())
}

/// The attack's goal for a target as the menus and links hold it (`None`: untargeted).
pub fn goal(target: Option<u8>) -> Goal {
    Goal::from_target(target.map(usize::from))
}

/// Where the input of a link comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkInput {
    /// A gallery digit, by index.
    Digit(usize),
    /// A drawn or uploaded digit: the 28×28 the model sees, one byte per pixel.
    Ink(Vec<u8>),
}

/// Everything a link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub model: String,
    pub input: Option<LinkInput>,
    /// The input as a person changed it by hand (`ink`, with the input it started from as
    /// `digit` or `ink0`).
    pub hand: Option<Vec<u8>>,
    pub method: MethodName,
    /// `None`: untargeted.
    pub target: Option<u8>,
    pub epsilon: f32,
    /// Carlini–Wagner's confidence κ.
    pub kappa: f32,
    pub gain: f32,
    /// `None`: whichever start-up finds faster.
    pub backend: Option<Backend>,
    /// Run the attack once the model has read the input.
    pub autorun: bool,
    /// Show this view alone, compact (an embed), with these controls hidden.
    pub embed: Option<View>,
    pub hide: Vec<String>,
    /// `None`: the browser's preference.
    pub theme: Option<Theme>,
    /// The part of the full page to scroll to.
    pub view: Option<View>,
    /// The quiz's rounds (`None`: a new seed when it starts).
    pub seed: Option<u32>,
    /// A challenge (its model, digit and target are the link's).
    pub challenge: Option<Task>,
    /// The completion code a shared solution claims (checked when the page has read it).
    pub code: Option<String>,
}

impl Link {
    /// The fragment, without its `#`: every setting, in a fixed order; `backend`, `autorun`,
    /// `embed`, `hide` and `theme` only where they are set.
    pub fn write(&self) -> String {
        let mut keys = Vec::new();
        if let Some(task) = &self.challenge {
            keys.push(format!("challenge={}", task.write()));
        }
        keys.push(format!("model={}", self.model));
        // `ink` is always what the model reads; the input a hand started from comes first.
        match (&self.input, &self.hand) {
            (Some(LinkInput::Digit(i)), _) => keys.push(format!("digit={i}")),
            (Some(LinkInput::Ink(bytes)), Some(_)) => {
                keys.push(format!("ink0={}", base64url(bytes)))
            }
            (Some(LinkInput::Ink(bytes)), None) => keys.push(format!("ink={}", base64url(bytes))),
            (None, _) => {}
        }
        if let (Some(_), Some(hand)) = (&self.input, &self.hand) {
            keys.push(format!("ink={}", base64url(hand)));
        }
        keys.push(format!("method={}", self.method.as_str()));
        keys.push(format!("target={}", target_text(self.target)));
        // Also for L-BFGS, which has no ε: switching to FGSM keeps the one set before.
        keys.push(format!("eps={}", self.epsilon));
        // Only where it matters, so that other methods' links stay as they were.
        if self.method == MethodName::Cw || self.kappa != 0.0 {
            keys.push(format!("kappa={}", self.kappa));
        }
        keys.push(format!("gain={}", self.gain));
        if let Some(b) = self.backend {
            keys.push(format!("backend={}", b.key()));
        }
        if self.autorun {
            keys.push("autorun=1".into());
        }
        if let Some(view) = self.embed {
            keys.push(format!("embed={}", view.as_str()));
        }
        if let Some(view) = self.view {
            keys.push(format!("view={}", view.as_str()));
        }
        if !self.hide.is_empty() {
            keys.push(format!("hide={}", self.hide.join(",")));
        }
        if let Some(theme) = self.theme {
            keys.push(format!("theme={}", theme.as_str()));
        }
        if let Some(seed) = self.seed {
            keys.push(format!("seed={seed}"));
        }
        if let Some(code) = &self.code {
            keys.push(format!("code={code}"));
        }
        keys.join("&")
    }

    /// The link in `fragment` (with or without its `#`), and one notice for each value that
    /// could not be used (its key keeps its default). Unknown keys are ignored.
    pub fn read(fragment: &str) -> (Link, Vec<String>) {
        let mut link = Link::default();
        let mut notices = Vec::new();
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut ink = None;
        if fragment.len() > MOST {
            notices.push(format!(
                "The link's settings are {} kB long (at most {} kB are read): none was used.",
                fragment.len() / 1024,
                MOST / 1024
            ));
            return (link, notices);
        }
        for pair in fragment.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decoded(value);
            if let Err(why) = link.set(key, &value, &mut ink) {
                notices.push(format!("Link: {key}={} {why}.", shown(&value)));
            }
        }
        // A challenge sets its model, digit and target, whatever else the link says.
        if let Some(task) = &link.challenge {
            link.model = task.model.clone();
            link.input = Some(LinkInput::Digit(task.digit));
            link.target = Some(task.target);
        }
        // `ink` beside `digit` or `ink0` is a change by hand of that input; alone, the input.
        match (ink, &link.input) {
            (Some(bytes), Some(_)) => link.hand = Some(bytes),
            (Some(bytes), None) => link.input = Some(LinkInput::Ink(bytes)),
            (None, _) => {}
        }
        (link, notices)
    }

    /// Sets `key` from `value` (`ink` waits in `ink` until every key is read); `Err` says why
    /// the value was not used. Unknown keys are ignored.
    fn set(&mut self, key: &str, value: &str, ink: &mut Option<Vec<u8>>) -> Result<(), String> {
        let pixels = |value: &str| {
            (from_base64url(value))
                .filter(|b| b.len() == PIXELS)
                .ok_or("is not 784 pixels in base64url".to_string())
        };
        match key {
            "model" if blindspot_core::yours::is_yours(value) => self.model = value.into(),
            "model" => {
                let spec = zoo::spec(value)
                    .map_err(|_| "is not a model of the zoo or one of yours".to_string())?;
                self.model = spec.name.into();
            }
            "digit" => {
                let i = (value.parse::<usize>().ok())
                    .filter(|&i| i < GALLERY)
                    .ok_or(format!("is not a gallery digit (0 to {})", GALLERY - 1))?;
                self.input = Some(LinkInput::Digit(i));
            }
            "ink" => *ink = Some(pixels(value)?),
            "ink0" => self.input = Some(LinkInput::Ink(pixels(value)?)),
            "method" => {
                self.method = MethodName::parse(value).map_err(|_| {
                    let names: Vec<&str> = MethodName::ALL.iter().map(|m| m.as_str()).collect();
                    format!("is not one of {}", names.join(", "))
                })?
            }
            "target" => {
                self.target = match value {
                    "untargeted" => None,
                    _ => Some(
                        (value.parse::<u8>().ok())
                            .filter(|&t| t < 10)
                            .ok_or("is not a digit 0 to 9 or untargeted")?,
                    ),
                }
            }
            "eps" => self.epsilon = number_in(value, 0.0..=1.0)?,
            "kappa" => self.kappa = number_in(value, 0.0..=MOST_KAPPA)?,
            "gain" => self.gain = number_in(value, GAINS)?,
            "backend" => {
                self.backend = match value {
                    "auto" => None,
                    _ => Some(Backend::from_key(value).ok_or("is not auto, cpu or webgpu")?),
                }
            }
            "autorun" => {
                self.autorun = match value {
                    "1" => true,
                    "0" => false,
                    _ => return Err("is not 1 or 0".into()),
                }
            }
            "embed" => self.embed = Some(view(value)?),
            "view" => self.view = Some(view(value)?),
            "hide" => {
                let names: Vec<&str> = value.split(',').filter(|n| !n.is_empty()).collect();
                if let Some(bad) = names.iter().find(|n| !HIDEABLE.contains(n)) {
                    return Err(format!(
                        "names '{}', not a control an embed can hide",
                        shown(bad)
                    ));
                }
                self.hide = names.into_iter().map(String::from).collect();
            }
            "theme" => {
                self.theme = match value {
                    "auto" => None,
                    _ => Some(Theme::parse(value).ok_or("is not auto, light or dark")?),
                }
            }
            "challenge" => self.challenge = Some(Task::read(value)?),
            "code" => {
                let code = value.to_uppercase();
                if code.len() != CODE || !code.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(format!("is not a completion code ({CODE} hex digits)"));
                }
                self.code = Some(code);
            }
            "seed" => {
                self.seed = Some(
                    value
                        .parse::<u32>()
                        .map_err(|_| format!("is not a whole number from 0 to {}", u32::MAX))?,
                )
            }
            _ => {}
        }
        Ok(())
    }
}

/// The view `value` names.
fn view(value: &str) -> Result<View, String> {
    View::parse(value).ok_or_else(|| {
        let names: Vec<&str> = View::ALL.iter().map(|v| v.as_str()).collect();
        format!("is not one of {}", names.join(", "))
    })
}

/// `value` as a finite number within `range`.
fn number_in(value: &str, range: std::ops::RangeInclusive<f32>) -> Result<f32, String> {
    (value.parse::<f32>().ok())
        .filter(|v| v.is_finite() && range.contains(v))
        .ok_or(format!(
            "is not a number from {} to {}",
            range.start(),
            range.end()
        ))
}

/// `text` with its `%XX` escapes decoded (browsers escape spaces, quotes and angle brackets in
/// a fragment); a `%` not followed by two hex digits stays as it is.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes.get(i + 1..i + 3))
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A value as a notice shows it: at most 24 characters (a notice is text, never markup).
fn shown(value: &str) -> String {
    clipped(value, 24)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 base64url, without padding.
fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &b)| n | (b as u32) << (16 - 8 * k));
        for k in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
        }
    }
    out
}

/// The bytes of base64url text (padding allowed), or `None` where it is not base64url.
fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let sextets: Vec<u32> = (text.bytes())
        .map(|c| ALPHABET.iter().position(|&a| a == c).map(|p| p as u32))
        .collect::<Option<_>>()?;
    if sextets.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &s)| n | s << (18 - 6 * k));
        for k in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * k)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Link {
        Link {
            model: "fc100-100-10".into(),
            input: Some(LinkInput::Ink(
                (0..PIXELS).map(|i| (i * 7 % 256) as u8).collect(),
            )),
            hand: Some((0..PIXELS).map(|i| (i * 3 % 256) as u8).collect()),
            method: MethodName::Cw,
            target: Some(3),
            epsilon: 0.15,
            kappa: 2.5,
            gain: 25.0,
            backend: Some(Backend::Cpu),
            autorun: true,
            embed: Some(View::Transfer),
            hide: vec!["method".into(), "gallery".into()],
            theme: Some(Theme::Dark),
            view: Some(View::Quiz),
            seed: Some(4_000_000_000),
            challenge: None,
            code: Some("0123456789".into()),
        }
    }

    #[test]
    fn every_key_survives_a_round_trip() {
        let link = full();
        assert_eq!(Link::read(&link.write()), (link.clone(), vec![]));
        let digit = Link {
            input: Some(LinkInput::Digit(999)),
            method: MethodName::Lbfgs,
            target: None,
            backend: Some(Backend::WebGpu),
            autorun: false,
            embed: None,
            hide: vec![],
            theme: Some(Theme::Light),
            seed: None,
            code: None,
            view: None,
            ..link
        };
        assert_eq!(
            Link::read(&format!("#{}", digit.write())),
            (digit.clone(), vec![])
        );
        let unchanged = Link {
            hand: None,
            ..digit
        };
        assert_eq!(Link::read(&unchanged.write()), (unchanged, vec![]));
        assert_eq!(Link::read(""), (Link::default(), vec![]));
    }

    #[test]
    fn ink_is_what_the_model_reads_and_a_hand_keeps_its_start() {
        let (a, b) = (vec![7u8; PIXELS], vec![9u8; PIXELS]);
        let (ink, ink0) = (base64url(&a), base64url(&b));
        let drawn = Link::read(&format!("ink={ink}")).0;
        assert_eq!(
            (drawn.input, drawn.hand),
            (Some(LinkInput::Ink(a.clone())), None)
        );
        // Either order of the keys: the hand's change on a drawn or a gallery digit.
        for fragment in [
            format!("ink={ink}&ink0={ink0}"),
            format!("ink0={ink0}&ink={ink}"),
        ] {
            let link = Link::read(&fragment).0;
            assert_eq!(link.input, Some(LinkInput::Ink(b.clone())));
            assert_eq!(link.hand.as_ref(), Some(&a));
            assert!(
                link.write()
                    .contains(&format!("ink0={ink0}&ink={ink}&method"))
            );
        }
        let on_digit = Link::read(&format!("ink={ink}&digit=4")).0;
        assert_eq!(
            (on_digit.input, on_digit.hand),
            (Some(LinkInput::Digit(4)), Some(a))
        );
    }

    #[test]
    fn a_challenge_sets_its_model_digit_and_target() {
        use crate::ui::challenge::{Means, Norm};
        let task = Task {
            model: "fc100-100-10".into(),
            digit: 17,
            target: 3,
            norm: Norm::Linf,
            most: 0.2,
            means: Means::Hand,
        };
        let (link, notices) = Link::read(&format!(
            "model=convnet&digit=4&target=1&challenge={}",
            task.write()
        ));
        assert_eq!(notices, Vec::<String>::new());
        assert_eq!(
            (link.model.as_str(), &link.input, link.target),
            ("fc100-100-10", &Some(LinkInput::Digit(17)), Some(3))
        );
        assert_eq!(Link::read(&link.write()).0, link);
    }

    #[test]
    fn base64url_round_trips_every_length_and_refuses_other_text() {
        for n in 0..10 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 97 + 200) as u8).collect();
            assert_eq!(from_base64url(&base64url(&bytes)), Some(bytes));
        }
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(from_base64url("a+b/"), None);
        assert_eq!(from_base64url("abcde"), None);
    }

    #[test]
    fn each_bad_value_keeps_its_default_and_says_so() {
        let bad = [
            "model=resnet",
            "digit=99999",
            "digit=-1",
            "ink=AAAA",
            "ink=%3Cscript%3E",
            "ink0=AAAA",
            "method=boundary",
            "target=10",
            "eps=abc",
            "eps=NaN",
            "kappa=-1",
            "kappa=abc",
            "gain=abc",
            "gain=500",
            "backend=tpu",
            "autorun=yes",
            "embed=everything",
            "view=nowhere",
            "hide=method,secret",
            "theme=sepia",
            "seed=-1",
            "code=XYZ",
            "challenge=fc100-100-10~1~3~rms~0.5~any~00000000",
            "seed=abc",
            "model=<script>alert(1)</script>",
        ];
        for pair in bad {
            let (link, notices) = Link::read(pair);
            assert_eq!(link, Link::default(), "{pair}");
            assert_eq!(notices.len(), 1, "{pair}: {notices:?}");
            assert!(notices[0].chars().count() < 120, "{}", notices[0]);
        }
        // Good values beside bad ones are kept; unknown keys and bare words are ignored.
        let (link, notices) = Link::read("model=convnet&digit=7&gain=abc&embed=attack&x&&=");
        assert_eq!(link.input, Some(LinkInput::Digit(7)));
        assert_eq!(link.gain, Link::default().gain);
        assert_eq!(notices.len(), 1);
    }

    #[test]
    fn escaped_values_are_read_decoded() {
        assert_eq!(percent_decoded("%3Cb%3E%20x%2"), "<b> x%2");
        assert_eq!(percent_decoded("%+1%zz"), "%+1%zz");
        assert_eq!(Link::read("target=%33").0.target, Some(3));
        let (_, notices) = Link::read("model=%3Cscript%3E");
        assert!(notices[0].contains("model=<script>"), "{notices:?}");
    }

    #[test]
    fn an_oversized_fragment_is_refused_whole() {
        let huge = format!("model=fc10-1&{}", "x".repeat(1 << 20));
        let (link, notices) = Link::read(&huge);
        assert_eq!(link, Link::default());
        assert!(notices[0].contains("1024 kB"), "{notices:?}");
    }
}
