//! Stop for one run of jobs (an attack, a Reproduce run, a photo attack), wherever its jobs
//! run: each job of the run still in a worker is told to stop (by its id, so that another
//! run's job on the same worker goes on), and the pool hands out no more of the run's jobs.

use super::protocol::ToWorker;
use std::cell::{Cell, RefCell};
use web_sys::Worker;

#[derive(Default)]
pub struct Stop {
    stopped: Cell<bool>,
    /// The run's jobs now in a worker: the worker and the job's id.
    running: RefCell<Vec<(Worker, u32)>>,
}

impl Stop {
    pub fn stopped(&self) -> bool {
        self.stopped.get()
    }

    pub fn stop(&self) {
        self.stopped.set(true);
        for (worker, id) in self.running.borrow().iter() {
            send_stop(worker, *id);
        }
    }

    /// Job `id` of the run has gone to `worker` (stopped at once if the run already is).
    pub(crate) fn started(&self, worker: &Worker, id: u32) {
        if self.stopped() {
            send_stop(worker, id);
        }
        self.running.borrow_mut().push((worker.clone(), id));
    }

    /// Job `id` on `worker` has answered.
    pub(crate) fn ended(&self, worker: &Worker, id: u32) {
        self.running
            .borrow_mut()
            .retain(|(w, i)| !(*i == id && w == worker));
    }
}

fn send_stop(worker: &Worker, id: u32) {
    let text = serde_json::to_string(&ToWorker::Stop { id }).expect("requests serialise");
    let _ = worker.post_message(&text.into());
}
