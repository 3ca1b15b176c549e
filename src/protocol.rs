//! Messages between the page and its workers (the WebGPU one, and the pool's CPU workers), sent
//! as JSON strings. Every job carries an id; its answer (or its failure, as a
//! value) carries the same id.

use crate::backend::Backend;
use crate::job::{
    Attacked, Counted, Failure, PhotoAttacked, PhotoJob, RowJob, SetDone, SetJob, ShareJob,
    SliceFound, UnitsJob,
};
use blindspot_core::attack::{Goal, Method, Progress};
use blindspot_core::imagenet::Ranked;
use blindspot_core::stability::LayerBound;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Open the worker's device (WebGPU, or Burn Flex on the CPU) and time the start-up probe
    /// on it.
    Start {
        id: u32,
        backend: Backend,
    },
    Probabilities {
        id: u32,
        model: String,
        pixels: Vec<f32>,
    },
    Attack {
        id: u32,
        model: String,
        pixels: Vec<f32>,
        label: u8,
        goal: Goal,
        method: Method,
    },
    /// A share of an untargeted L-BFGS attack's targets (one worker of the pool).
    AttackShare {
        id: u32,
        job: ShareJob,
    },
    /// The most probable ImageNet classes of a photo, `[3, 224, 224]` in 8-bit levels.
    Photo {
        id: u32,
        pixels: Vec<u8>,
    },
    PhotoAttack {
        id: u32,
        job: PhotoJob,
    },
    /// Table 5: each layer's upper Lipschitz bound, then the network's, for a digit model or
    /// (`None`) EfficientNet-Lite0.
    Lipschitz {
        id: u32,
        model: Option<String>,
    },
    /// A slice of the Reproduce panel's digits attacked (one worker of the pool).
    AdversarialSet {
        id: u32,
        job: SetJob,
    },
    /// Part of a row of Table 2's cross-check (one worker of the pool).
    WrongCounts {
        id: u32,
        job: RowJob,
    },
    /// A slice of a Units deal (one worker of the pool).
    UnitsSlice {
        id: u32,
        job: UnitsJob,
    },
    /// Stop job `id` (an attack, a share, a set, a photo attack): it answers with the best
    /// result so far. Other jobs on the worker go on.
    Stop {
        id: u32,
    },
}

/// What the worker found at start-up.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkerInfo {
    /// The WebGPU adapter's name and type, or the CPU engine's.
    pub adapter: String,
    /// Milliseconds of the probe, after a first run that compiles the kernels.
    pub probe_ms: f64,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Response {
    Started {
        id: u32,
        result: Result<WorkerInfo, String>,
    },
    Probabilities {
        id: u32,
        result: Result<Vec<f32>, Failure>,
    },
    Progress {
        id: u32,
        progress: Progress,
    },
    Attacked {
        id: u32,
        result: Result<Attacked, Failure>,
    },
    AttackShare {
        id: u32,
        result: Result<Vec<Attacked>, Failure>,
    },
    Photo {
        id: u32,
        result: Result<Vec<Ranked>, Failure>,
    },
    PhotoAttacked {
        id: u32,
        result: Result<PhotoAttacked, Failure>,
    },
    Lipschitz {
        id: u32,
        result: Result<Vec<LayerBound>, Failure>,
    },
    AdversarialSet {
        id: u32,
        result: Result<SetDone, Failure>,
    },
    WrongCounts {
        id: u32,
        result: Result<Counted, Failure>,
    },
    UnitsSlice {
        id: u32,
        result: Result<SliceFound, Failure>,
    },
}

impl Response {
    pub fn id(&self) -> u32 {
        match self {
            Response::Started { id, .. }
            | Response::Probabilities { id, .. }
            | Response::Progress { id, .. }
            | Response::Attacked { id, .. }
            | Response::AttackShare { id, .. }
            | Response::Photo { id, .. }
            | Response::PhotoAttacked { id, .. }
            | Response::Lipschitz { id, .. }
            | Response::AdversarialSet { id, .. }
            | Response::WrongCounts { id, .. }
            | Response::UnitsSlice { id, .. } => *id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blindspot_core::attack::{Distortion, MethodName, Outcome};

    #[test]
    fn an_attack_and_its_answer_cross_the_wire_intact() {
        let request = Request::Attack {
            id: 7,
            model: "convnet".into(),
            pixels: vec![0.5; 784],
            label: 7,
            goal: Goal::Target(3),
            method: Method::Pgd {
                epsilon: 0.1,
                steps: Method::PGD_STEPS,
            },
        };
        let text = serde_json::to_string(&request).unwrap();
        match serde_json::from_str::<Request>(&text).unwrap() {
            Request::Attack {
                id, goal, method, ..
            } => {
                assert_eq!((id, goal), (7, Goal::Target(3)));
                assert_eq!(method.name(), MethodName::Pgd);
            }
            other => panic!("came back as {other:?}"),
        }
        let outcome = Outcome {
            adversarial: vec![0.25; 784],
            label: 3,
            target: 3,
            success: true,
            distortion: Distortion::default(),
            c: 0.5,
            iterations: 40,
        };
        let answer = Response::Attacked {
            id: 7,
            result: Ok(Attacked {
                outcome,
                probabilities: vec![0.1; 10],
            }),
        };
        let text = serde_json::to_string(&answer).unwrap();
        let back = serde_json::from_str::<Response>(&text).unwrap();
        assert_eq!(back.id(), 7);
        let Response::Attacked { result: Ok(a), .. } = back else {
            panic!("came back as {back:?}");
        };
        assert_eq!((a.outcome.label, a.probabilities.len()), (3, 10));
    }

    #[test]
    fn a_photo_attack_and_its_answer_cross_the_wire_with_the_photo_as_bytes() {
        let pixels: Vec<u8> = (0..blindspot_core::imagenet::INPUT)
            .map(|i| (i % 251) as u8)
            .collect();
        let request = Request::PhotoAttack {
            id: 3,
            job: PhotoJob {
                pixels: pixels.clone(),
                goal: Goal::Target(9),
                method: blindspot_core::attack::MethodName::Pgd,
                epsilon_levels: 8.0,
                steps: 10,
            },
        };
        let text = serde_json::to_string(&request).unwrap();
        let Request::PhotoAttack { id: 3, job } = serde_json::from_str(&text).unwrap() else {
            panic!("came back as another request");
        };
        assert_eq!((job.pixels, job.goal), (pixels.clone(), Goal::Target(9)));
        let ostrich = Ranked {
            label: 9,
            name: "ostrich".into(),
            probability: 0.99,
        };
        let report = blindspot_core::imagenet::attacks::PhotoAttack {
            label: 9,
            name: "ostrich".into(),
            target: 9,
            target_name: "ostrich".into(),
            success: true,
            rms: 0.02,
            linf_levels: 8.0,
            iterations: 10,
            before: vec![],
            after: vec![ostrich],
            adversarial: vec![0.5; 4],
        };
        let answer = Response::PhotoAttacked {
            id: 3,
            result: Ok(PhotoAttacked {
                report,
                adversarial: pixels.clone(),
            }),
        };
        let text = serde_json::to_string(&answer).unwrap();
        let Response::PhotoAttacked {
            result: Ok(back), ..
        } = serde_json::from_str(&text).unwrap()
        else {
            panic!("came back as another answer");
        };
        assert_eq!(back.adversarial, pixels, "the photo travels as bytes");
        assert!(
            back.report.adversarial.is_empty(),
            "and not a second time as floats"
        );
        assert_eq!(back.report.after[0].label, 9);
    }

    #[test]
    fn a_failure_is_an_answer_too() {
        let answer = Response::Probabilities {
            id: 2,
            result: Err(Failure::Lost("device lost".into())),
        };
        let back: Response =
            serde_json::from_str(&serde_json::to_string(&answer).unwrap()).unwrap();
        assert!(
            matches!(back, Response::Probabilities { id: 2, result: Err(Failure::Lost(e)) } if e == "device lost")
        );
    }
}
