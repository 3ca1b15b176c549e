//! Units vs random directions on a shipped model and the committed test slice.

mod common;
use blindspot_core::attack::block_on;
use blindspot_core::data::slice;
use blindspot_core::units::study::study;
use blindspot_core::units::{Direction, extremes, features, find_layer, layers};
use burn::prelude::Device;
use common::repo;

#[test]
fn top_k_are_the_largest_projections_and_directions_are_reproducible() {
    let device = Device::flex();
    let model = common::model("convnet", &device);
    let digits = slice::load(&repo().join("www/digits"))
        .unwrap()
        .range(0, 300);
    let names: Vec<String> = layers(&model).into_iter().map(|l| l.name).collect();
    assert_eq!(names, ["conv", "dense"]);
    let layer = find_layer(&model, "dense").unwrap();
    let f = block_on(features(&model, &layer, &digits, &device)).unwrap();
    assert_eq!((f.len(), f.width), (300, 128));

    let v = Direction::Random(4).vector(128);
    assert_eq!(v, Direction::Random(4).vector(128));
    assert_ne!(v, Direction::Random(5).vector(128));
    assert!((v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);

    let scores = f.project(&v);
    let (top, bottom) = extremes(&f, &v, 10);
    let kth = scores[top[9]];
    assert!(top.windows(2).all(|w| scores[w[0]] >= scores[w[1]]));
    assert!(
        scores
            .iter()
            .enumerate()
            .all(|(i, &s)| top.contains(&i) || s <= kth)
    );
    let lowest = scores[bottom[9]];
    assert!(
        scores
            .iter()
            .enumerate()
            .all(|(i, &s)| bottom.contains(&i) || s >= lowest)
    );

    let s = study(&layer, &f, &digits, 10, 20, 1);
    assert_eq!(s.units.purity.count, 20);
    assert!(s.units.purity.mean > 0.1 && s.units.purity.mean <= 1.0);
}

#[test]
fn a_model_without_hidden_layers_says_so() {
    let device = Device::flex();
    let model = common::model("fc10-1e-4", &device);
    let e = find_layer(&model, "h1").unwrap_err().to_string();
    assert!(e.contains("no hidden layer"), "{e}");
    let model = common::model("fc100-100-10", &device);
    let e = find_layer(&model, "h3").unwrap_err().to_string();
    assert!(e.contains("h1, h2"), "{e}");
}

/// What the browser's workers do with a Units deal: each computes the features of a slice of the
/// gallery, says which units vary there and, given the deal's directions, its slice's best
/// images; merged, that is the whole deal. Checked on both convnet layers, 1000 digits in 2 and 3
/// slices (each slice's features computed on its own, as a worker computes them).
#[test]
fn a_deal_split_into_slices_of_the_images_merges_to_the_whole_deal() {
    use blindspot_core::units::deal::{Liveness, deal, directions, merged_tops, tops};
    let device = Device::flex();
    let model = common::model("convnet", &device);
    let digits = slice::load(&repo().join("www/digits")).unwrap();
    for name in ["conv", "dense"] {
        let layer = find_layer(&model, name).unwrap();
        let whole = block_on(features(&model, &layer, &digits, &device)).unwrap();
        let dealt = deal(&whole, 7, 3, 10);
        for parts in [2, 3] {
            let per = digits.len().div_ceil(parts);
            let slices: Vec<(usize, _)> = (0..parts)
                .map(|k| {
                    let (a, b) = (k * per, ((k + 1) * per).min(digits.len()));
                    let part = digits.range(a, b);
                    (
                        a,
                        block_on(features(&model, &layer, &part, &device)).unwrap(),
                    )
                })
                .collect();
            let live = (slices.iter().map(|(_, f)| Liveness::of(f)))
                .reduce(Liveness::then)
                .unwrap()
                .live();
            assert_eq!(live, whole.live_units(), "{name}, {parts} slices");
            let chosen = directions(live, 7, 3);
            let each = slices
                .iter()
                .map(|(a, f)| tops(f, &chosen, 10, *a))
                .collect();
            let top = merged_tops(each, 10);
            let split: Vec<_> = chosen.into_iter().zip(top).collect();
            let expected: Vec<_> = dealt.iter().map(|d| (d.direction, d.top.clone())).collect();
            assert_eq!(split, expected, "{name}, {parts} slices");
        }
    }
}
