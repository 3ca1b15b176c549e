//! The paper's figures, to show beside ours: Tables 2–4 (Table 1 lives on the zoo specs) and
//! Section 4.2's adversarially trained network.

/// Table 2 columns, in order.
pub static TABLE2_MODELS: [&str; 6] = [
    "fc10-1e-4",
    "fc10-1e-2",
    "fc10-1",
    "fc100-100-10",
    "fc200-200-10",
    "ae400-10",
];

/// Table 2: error of each column model on examples made for the row model (fractions).
pub static TABLE2: [[f64; 6]; 6] = [
    [1.0, 0.117, 0.227, 0.02, 0.039, 0.027],
    [0.871, 1.0, 0.352, 0.359, 0.273, 0.098],
    [0.719, 0.762, 1.0, 0.481, 0.47, 0.344],
    [0.289, 0.137, 0.211, 1.0, 0.066, 0.02],
    [0.382, 0.14, 0.238, 0.203, 1.0, 0.027],
    [0.234, 0.16, 0.248, 0.094, 0.066, 1.0],
];

/// Table 2's Gaussian rows: (stddev, errors).
pub static TABLE2_NOISE: [(f32, [f64; 6]); 2] = [
    (0.1, [0.05, 0.101, 0.183, 0.0, 0.0, 0.008]),
    (0.3, [0.156, 0.113, 0.227, 0.05, 0.043, 0.031]),
];

/// Tables 3 and 4 models, in order.
pub static TABLE4_MODELS: [&str; 3] = ["fc100-100-10-p1", "fc123-456-10-p1", "fc100-100-10-p2"];

/// Table 3: errors on P1, P2 and test.
pub static TABLE3: [[f64; 3]; 3] = [[0.0, 0.024, 0.02], [0.0, 0.025, 0.021], [0.023, 0.0, 0.021]];

/// Table 4: adversarial sets made on the test set, as made and amplified to RMS 0.1.
pub static TABLE4: [[f64; 3]; 3] = [
    [1.0, 0.262, 0.059],
    [0.0625, 1.0, 0.051],
    [0.082, 0.082, 1.0],
];
pub static TABLE4_AMPLIFIED: [[f64; 3]; 3] =
    [[1.0, 0.98, 0.43], [0.96, 1.0, 0.22], [0.27, 0.5, 1.0]];
pub static TABLE4_NOISE: [(f32, [f64; 3]); 2] =
    [(0.06, [0.022, 0.026, 0.024]), (0.1, [0.026, 0.028, 0.027])];

/// Section 4.2: the adversarially trained fc100-100-10's test error is "< 1.2%" (an upper
/// bound, against 1.6% for the same network trained normally).
pub const ADVERSARIAL_TEST_ERROR_BELOW: f64 = 0.012;

/// One block of a transfer table as the paper prints it: error rows for the examples made for
/// each model, then its Gaussian noise rows (σ, errors).
pub struct TransferBlock {
    pub examples: Vec<&'static [f64]>,
    pub noise: Vec<(f32, &'static [f64])>,
}

/// Table 2 as one block: the six models' examples, then σ = 0.1 and 0.3 noise.
pub fn table2() -> Vec<TransferBlock> {
    vec![TransferBlock {
        examples: TABLE2.iter().map(|r| &r[..]).collect(),
        noise: TABLE2_NOISE.iter().map(|(s, e)| (*s, &e[..])).collect(),
    }]
}

/// Table 4 as two blocks: the minimal examples with σ = 0.06 noise, then the same amplified to
/// RMS 0.1 with σ = 0.1 noise.
pub fn table4() -> Vec<TransferBlock> {
    let rows = |t: &'static [[f64; 3]; 3]| t.iter().map(|r| &r[..]).collect();
    let noise = |k: usize| vec![(TABLE4_NOISE[k].0, &TABLE4_NOISE[k].1[..])];
    vec![
        TransferBlock {
            examples: rows(&TABLE4),
            noise: noise(0),
        },
        TransferBlock {
            examples: rows(&TABLE4_AMPLIFIED),
            noise: noise(1),
        },
    ]
}
