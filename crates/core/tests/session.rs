//! A course trained step by step through its plan (`work::plan::train`, as the page's Train
//! panel runs it): 1, 2 and 3 workers give bit-identical weights, the same as `train_on` gives
//! for the course's spec natively, with the paper's pool too (its refresh, asked again before
//! it is answered, is the same); the plan's checkup is `checkup`'s; bad jobs are refused.

mod common;
use blindspot_core::attack::block_on;
use blindspot_core::data::{Digits, Mnist, slice};
use blindspot_core::train;
use blindspot_core::train::checkup::{self, Watch};
use blindspot_core::train::course::{Base, Course, Guard};
use blindspot_core::train::session::Session;
use blindspot_core::train::shards::{self, Shard};
use blindspot_core::work::plan::{self, Serial};
use blindspot_core::work::{Folder, Job, ShardsJob, Workshop};
use burn::prelude::Device;
use common::repo;

/// Burn draws initial weights from one generator per process, seeded by `Device::seed`, when a
/// parameter is first read: tests that build models take turns, so that no other test's
/// draws fall between a seed and the weights it gives.
static SEEDED: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The shipped models, and the first 300 slice digits as the training digits.
fn shop() -> Folder {
    let device = Device::flex().autodiff();
    Folder::new(device, repo().join("models"))
        .with_gallery(repo().join("www/digits"))
        .with_training(Mnist {
            train: data(),
            test: data(),
        })
}

fn data() -> Digits {
    slice::load(&repo().join("www/digits"))
        .unwrap()
        .range(0, 300)
}

fn course() -> Course {
    Course {
        base: Base::ConvNet,
        guard: Guard::Fgsm,
        epsilon: 0.1,
        epochs: 1,
        seed: 3,
        digits: 300, // 3 batches of 100
    }
}

/// `course` run through its plan on `parts` workers: the weights at the end, and the batches.
fn through_plan(course: Course, parts: usize) -> (Vec<f32>, usize) {
    let shop = shop();
    let runner = Serial {
        parts,
        ..Serial::new(&shop)
    };
    let mut session = Session::new(course, 300, shop.device()).unwrap();
    assert_eq!(session.steps(), 3 * course.epochs);
    while !session.finished() {
        let loss = block_on(plan::train::step(&mut session, &runner)).unwrap();
        assert!(loss.is_some_and(f32::is_finite));
    }
    assert_eq!(session.epochs_done(), course.epochs);
    (session.weights(), session.step())
}

/// `course` trained natively by `train_on`: the weights.
fn native(course: Course) -> Vec<f32> {
    let spec = course.spec().unwrap();
    let device = Device::flex().autodiff();
    device.seed(spec.recipe.seed);
    let trained = train::train_on(&spec, &data(), &device, &mut |_| {}).unwrap();
    shards::flat_weights(&trained)
}

fn bits(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn one_two_and_three_workers_train_the_weights_train_on_trains() {
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    let (one, _) = through_plan(course(), 1);
    let start = {
        let spec = course().spec().unwrap();
        let device = Device::flex().autodiff();
        device.seed(spec.recipe.seed);
        shards::flat_weights(&spec.arch.build(&device))
    };
    assert_ne!(bits(&start), bits(&one), "the steps moved the weights");
    assert!(
        bits(&one) == bits(&native(course())),
        "the plan differs from train_on"
    );
    assert!(
        bits(&one) == bits(&through_plan(course(), 2).0),
        "2 workers differ from 1"
    );
    assert!(
        bits(&one) == bits(&through_plan(course(), 3).0),
        "3 workers differ from 1"
    );
}

#[test]
fn the_paper_s_pool_trains_through_the_plan_as_train_on_trains_it() {
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    // 300 digits: 5 attacked before epoch 2, whose successes make it 4 batches, not 3.
    let pooled = Course {
        guard: Guard::Pool,
        epochs: 2,
        ..course()
    };
    let (one, steps) = through_plan(pooled, 1);
    assert_eq!(steps, 3 + 4, "the pool joined epoch 2");
    assert!(
        bits(&one) == bits(&native(pooled)),
        "the plan differs from train_on"
    );
    assert!(
        bits(&one) == bits(&through_plan(pooled, 2).0),
        "2 workers differ from 1"
    );
}

#[test]
fn a_pool_refresh_asked_again_is_the_same_until_it_is_answered() {
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    let shop = shop();
    let runner = Serial {
        parts: 1,
        ..Serial::new(&shop)
    };
    let pooled = Course {
        guard: Guard::Pool,
        epochs: 2,
        ..course()
    };
    let mut session = Session::new(pooled, 300, shop.device()).unwrap();
    assert_eq!(session.refresh_due(), None, "epoch 1 has no pool");
    for _ in 0..3 {
        block_on(plan::train::step(&mut session, &runner)).unwrap();
    }
    assert!(session.epoch_ended());
    let due = session.refresh_due().expect("epoch 2 refreshes the pool");
    assert_eq!(due.digits.len(), 5, "one digit in 60 of 300");
    // A Stop during the refresh: Resume asks the same digits and targets again.
    assert_eq!(session.refresh_due(), Some(due));
    block_on(plan::train::step(&mut session, &runner)).unwrap();
    assert_eq!(session.refresh_due(), None, "answered");
}

#[test]
fn the_plans_checkup_is_the_checkup() {
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    let shop = shop();
    let watch = Watch {
        clean: 200,
        robust: 40,
        lbfgs: 3,
        ..Watch::default()
    };
    let runner = Serial {
        parts: 2,
        ..Serial::new(&shop)
    };
    let twin = block_on(plan::train::checkup(
        &runner,
        Base::ConvNet,
        Vec::new(),
        watch,
        plan::quiet(),
    ))
    .unwrap()
    .unwrap();
    let model = common::model("convnet", shop.device());
    let gallery = slice::load(&repo().join("www/digits")).unwrap();
    let direct = checkup::checkup(&model, shop.device(), &gallery, &watch).unwrap();
    assert_eq!(twin, direct);
    // The same through weights sent as a trained model's are.
    let weights = shards::flat_weights(&model);
    let sent = block_on(plan::train::checkup(
        &runner,
        Base::ConvNet,
        weights,
        watch,
        plan::quiet(),
    ));
    assert_eq!(sent.unwrap().unwrap(), direct);
}

#[test]
fn jobs_with_weights_or_digits_that_do_not_fit_are_refused() {
    let _turn = SEEDED.lock().unwrap_or_else(|e| e.into_inner());
    let shop = shop();
    let mut session = Session::new(course(), 300, shop.device()).unwrap();
    let shards = session.shards();
    let job = |weights: Vec<f32>, shards: Vec<Shard>| {
        Job::TrainShards(ShardsJob {
            course: course(),
            weights,
            shards,
            pooled: Vec::new(),
        })
    };
    let mut short = session.weights();
    short.pop();
    let mut beyond = shards.clone();
    beyond[0].digits[0] = 300;
    let run = |j: Job| block_on(j.run(&shop, &mut blindspot_core::attack::keep_going));
    assert!(run(job(short, shards.clone())).is_err());
    assert!(run(job(session.weights(), beyond)).is_err());
    assert!(run(job(session.weights(), shards)).is_ok());
    let bad_course = Course {
        epochs: 0,
        ..course()
    };
    assert!(Session::new(bad_course, 300, shop.device()).is_err());
}
