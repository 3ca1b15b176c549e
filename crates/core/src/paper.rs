//! The paper's Tables 2–4 (Table 1 lives on the zoo specs), to show beside ours.

/// Table 2 columns, in order.
pub const TABLE2_MODELS: [&str; 6] = [
    "fc10-1e-4",
    "fc10-1e-2",
    "fc10-1",
    "fc100-100-10",
    "fc200-200-10",
    "ae400-10",
];

/// Table 2: error of each column model on examples made for the row model (fractions).
pub const TABLE2: [[f64; 6]; 6] = [
    [1.0, 0.117, 0.227, 0.02, 0.039, 0.027],
    [0.871, 1.0, 0.352, 0.359, 0.273, 0.098],
    [0.719, 0.762, 1.0, 0.481, 0.47, 0.344],
    [0.289, 0.137, 0.211, 1.0, 0.066, 0.02],
    [0.382, 0.14, 0.238, 0.203, 1.0, 0.027],
    [0.234, 0.16, 0.248, 0.094, 0.066, 1.0],
];

/// Table 2's Gaussian rows: (stddev, errors).
pub const TABLE2_NOISE: [(f32, [f64; 6]); 2] = [
    (0.1, [0.05, 0.101, 0.183, 0.0, 0.0, 0.008]),
    (0.3, [0.156, 0.113, 0.227, 0.05, 0.043, 0.031]),
];

/// Tables 3 and 4 models, in order.
pub const TABLE4_MODELS: [&str; 3] = ["fc100-100-10-p1", "fc123-456-10-p1", "fc100-100-10-p2"];

/// Table 3: errors on P1, P2 and test.
pub const TABLE3: [[f64; 3]; 3] = [[0.0, 0.024, 0.02], [0.0, 0.025, 0.021], [0.023, 0.0, 0.021]];

/// Table 4: adversarial sets made on the test set, as made and amplified to RMS 0.1.
pub const TABLE4: [[f64; 3]; 3] = [
    [1.0, 0.262, 0.059],
    [0.0625, 1.0, 0.051],
    [0.082, 0.082, 1.0],
];
pub const TABLE4_AMPLIFIED: [[f64; 3]; 3] =
    [[1.0, 0.98, 0.43], [0.96, 1.0, 0.22], [0.27, 0.5, 1.0]];
pub const TABLE4_NOISE: [(f32, [f64; 3]); 2] =
    [(0.06, [0.022, 0.026, 0.024]), (0.1, [0.026, 0.028, 0.027])];
