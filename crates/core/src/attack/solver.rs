//! Who runs a round of L-BFGS solves for the search over c ([`super::lbfgs::search`]): this
//! engine on its model ([`Local`]), or something that deals the rows out (the page's plan for a
//! photo sends each to a worker, which runs them with [`Local`]). A row is one solve: an image,
//! where it starts (warm), its target and its c.

use super::lbfgs::{Ends, minimise, nearest_waypoints, rounded};
use super::{Control, LbfgsConfig, Progress};
use crate::Result;
use crate::model::Network;
use burn::prelude::Device;

/// One round's solves, a row each (images and starts are rows of `inputs` values).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Rows {
    #[serde(with = "crate::work::wire::floats")]
    pub x0: Vec<f32>,
    #[serde(with = "crate::work::wire::floats")]
    pub start: Vec<f32>,
    pub targets: Vec<usize>,
    pub cs: Vec<f32>,
    /// Each row's problem's smallest RMS so far (`None`: no success yet), which a waypoint must
    /// beat.
    pub bounds: Vec<Option<f32>>,
    /// For progress: the search's round, and its problems finished and in all.
    pub round: usize,
    pub finished: usize,
    pub problems: usize,
}

/// A round's answers, a row each.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Solves {
    /// Each solve as judged (rounded to 8-bit levels where the search says so).
    #[serde(with = "crate::work::wire::floats")]
    pub z: Vec<f32>,
    /// Each solve as it ended, the next solve's warm start.
    #[serde(with = "crate::work::wire::floats")]
    pub last: Vec<f32>,
    /// The label the model gives each judged solve, and the target's margin where it guides.
    pub reached: Vec<usize>,
    pub margins: Vec<Option<f32>>,
    /// Whether each row found a waypoint nearer than its end that reaches its target once
    /// rounded (see [`LbfgsConfig::waypoints`]), and those found, rounded.
    pub waypoint_found: Vec<bool>,
    #[serde(with = "crate::work::wire::floats")]
    pub waypoints: Vec<f32>,
    pub evaluations: Vec<usize>,
    /// Whether Stop came during the round.
    pub stopped: bool,
}

impl Solves {
    /// Several answers (of consecutive parts of one round's rows) as one.
    pub fn joined(parts: Vec<Solves>) -> Solves {
        let mut all = Solves {
            z: Vec::new(),
            last: Vec::new(),
            reached: Vec::new(),
            margins: Vec::new(),
            waypoint_found: Vec::new(),
            waypoints: Vec::new(),
            evaluations: Vec::new(),
            stopped: false,
        };
        for part in parts {
            all.z.extend(part.z);
            all.last.extend(part.last);
            all.reached.extend(part.reached);
            all.margins.extend(part.margins);
            all.waypoint_found.extend(part.waypoint_found);
            all.waypoints.extend(part.waypoints);
            all.evaluations.extend(part.evaluations);
            all.stopped |= part.stopped;
        }
        all
    }
}

/// Runs rounds of solves.
#[allow(async_fn_in_trait)]
pub trait Solver {
    async fn solve(
        &self,
        rows: Rows,
        config: &LbfgsConfig,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<Solves>;
}

/// Solves on this engine's model, all rows in one batch.
pub struct Local<'a> {
    pub model: &'a dyn Network,
    pub device: &'a Device,
}

impl Solver for Local<'_> {
    async fn solve(
        &self,
        rows: Rows,
        config: &LbfgsConfig,
        progress: &mut dyn FnMut(&Progress) -> Control,
    ) -> Result<Solves> {
        let Rows {
            x0,
            start,
            targets,
            cs,
            bounds,
            round,
            finished,
            problems,
        } = rows;
        let mut report = |iteration: usize, loss: f32| {
            progress(&Progress {
                round,
                iteration,
                c: cs[0],
                loss,
                finished,
                problems,
            })
        };
        let (model, device) = (self.model, self.device);
        let solved = minimise(
            model,
            device,
            &x0,
            &start,
            &targets,
            &cs,
            config,
            &mut report,
        );
        let solved = solved.await?;
        // Rounded solves are judged by label alone: their margins are not computed.
        let n = targets.len();
        let (z, reached, margins, (waypoint_found, waypoints)) = if config.quantise {
            let (z, reached) = rounded(model, device, &x0, &solved.z, &targets).await?;
            let ways = &solved.waypoints;
            let ends = Ends {
                z: &z,
                reached: &reached,
                bounds: &bounds,
            };
            let found = nearest_waypoints(model, device, &x0, ends, ways, &targets);
            let found = found.await?;
            (z, reached, vec![None; n], found)
        } else {
            let guide = |m: &f32| config.guided.then_some(*m);
            let margins = solved.margin.iter().map(guide).collect();
            (
                solved.z.clone(),
                solved.label,
                margins,
                (vec![false; n], Vec::new()),
            )
        };
        Ok(Solves {
            z,
            last: solved.z,
            reached,
            margins,
            waypoint_found,
            waypoints,
            evaluations: solved.evaluations,
            stopped: solved.stopped,
        })
    }
}
