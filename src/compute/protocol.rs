//! Messages between the page and its workers (the WebGPU one, and the pool's CPU workers), sent
//! as JSON strings. The page sends a job with its id (or asks the worker to start, or to stop a
//! job); the worker answers with the same id: progress while the job runs, then its result.
//! What a job is and what it answers is core's vocabulary (`blindspot_core::work`).

use crate::compute::backend::Backend;
use blindspot_core::attack::Progress;
use blindspot_core::work::{Answer, Failure, Job};
use serde::{Deserialize, Serialize};

/// From the page to a worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToWorker {
    /// Open the worker's device (WebGPU, or Burn Flex on the CPU) and time the start-up probe
    /// on it; answered with [`Message::Started`].
    Start { id: u32, backend: Backend },
    /// Run a job; answered with progress, then [`Message::Result`].
    Run { id: u32, job: Job },
    /// Stop job `id`: it answers with the best result so far. Other jobs on the worker go on.
    Stop { id: u32 },
}

/// From a worker to the page: about the job (or start-up) `id`.
#[derive(Debug, Serialize, Deserialize)]
pub struct FromWorker {
    pub id: u32,
    pub message: Message,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Message {
    Started(Result<WorkerInfo, String>),
    Progress(Progress),
    Result(Result<Answer, Failure>),
}

/// What the worker found at start-up.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkerInfo {
    /// The WebGPU adapter's name and type, or the CPU engine's.
    pub adapter: String,
    /// Milliseconds of the probe, after a first run that compiles the kernels.
    pub probe_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use blindspot_core::attack::{Distortion, Goal, Method, MethodName, Outcome};
    use blindspot_core::imagenet::Ranked;
    use blindspot_core::work::{AttackJob, Attacked, PhotoAttacked, PhotoJob};

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(value: &T) -> T {
        serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
    }

    #[test]
    fn an_attack_and_its_answer_cross_the_wire_intact() {
        let request = ToWorker::Run {
            id: 7,
            job: Job::Attack(AttackJob {
                model: "convnet".into(),
                pixels: vec![0.5; 784],
                label: 7,
                goal: Goal::Target(3),
                method: Method::Pgd {
                    epsilon: 0.1,
                    steps: Method::PGD_STEPS,
                },
            }),
        };
        let ToWorker::Run {
            id: 7,
            job: Job::Attack(job),
        } = round_trip(&request)
        else {
            panic!("came back as another request");
        };
        assert_eq!(job.goal, Goal::Target(3));
        assert_eq!(job.method.name(), MethodName::Pgd);
        let outcome = Outcome {
            adversarial: vec![0.25; 784],
            label: 3,
            target: 3,
            success: true,
            distortion: Distortion::default(),
            c: 0.5,
            iterations: 40,
        };
        let answer = FromWorker {
            id: 7,
            message: Message::Result(Ok(Attacked {
                outcome,
                probabilities: vec![0.1; 10],
                milliseconds: 12.5,
            }
            .into())),
        };
        let back = round_trip(&answer);
        assert_eq!(back.id, 7);
        let Message::Result(Ok(answer)) = back.message else {
            panic!("came back as {back:?}");
        };
        let a = Attacked::try_from(answer).unwrap();
        assert_eq!((a.outcome.label, a.probabilities.len()), (3, 10));
    }

    #[test]
    fn a_photo_attack_and_its_answer_cross_the_wire_with_the_photo_as_bytes() {
        let pixels: Vec<u8> = (0..blindspot_core::imagenet::INPUT)
            .map(|i| (i % 251) as u8)
            .collect();
        let request = ToWorker::Run {
            id: 3,
            job: Job::PhotoAttack(PhotoJob {
                pixels: pixels.clone(),
                goal: Goal::Target(9),
                method: MethodName::Pgd,
                epsilon_levels: 8.0,
                steps: 10,
            }),
        };
        let ToWorker::Run {
            id: 3,
            job: Job::PhotoAttack(job),
        } = round_trip(&request)
        else {
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
        let answer = FromWorker {
            id: 3,
            message: Message::Result(Ok(PhotoAttacked {
                report,
                adversarial: pixels.clone(),
            }
            .into())),
        };
        let Message::Result(Ok(back)) = round_trip(&answer).message else {
            panic!("came back as another answer");
        };
        let back = PhotoAttacked::try_from(back).unwrap();
        assert_eq!(back.adversarial, pixels, "the photo travels as bytes");
        assert!(
            back.report.adversarial.is_empty(),
            "and not a second time as floats"
        );
        assert_eq!(back.report.after[0].label, 9);
    }

    #[test]
    fn a_failure_is_an_answer_too_and_a_wrong_answer_is_refused() {
        let answer = FromWorker {
            id: 2,
            message: Message::Result(Err(Failure::Lost("device lost".into()))),
        };
        let back = round_trip(&answer);
        assert!(
            matches!(back.message, Message::Result(Err(Failure::Lost(e))) if e == "device lost")
        );
        let wrong = Attacked::try_from(blindspot_core::work::Answer::Probabilities(vec![0.1]));
        assert!(matches!(wrong, Err(Failure::Job(e)) if e.contains("Probabilities")));
    }
}
