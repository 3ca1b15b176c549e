//! The by-hand brush: the cells a stroke covers, what a dab does to them, and the keyboard
//! cursor. Plain functions (tested natively); the reducer (`state`) applies dabs and
//! `components::hand_canvas` turns pointers and keys into them.

use blindspot_core::levels::level;
use serde::{Deserialize, Serialize};

/// Cells a side of the model's input.
pub const SIDE: usize = 28;
/// One dab's change of a pixel, in 8-bit levels: eight dabs take a pixel from black to white,
/// small enough to feel where the model gives way.
pub const STEP_LEVELS: i32 = 32;
/// Strokes Undo takes back (the page's state, copied at every change, stays small).
pub const MOST_UNDO: usize = 200;

/// A cell of the 28×28 grid: (row, column).
pub type Cell = (usize, usize);

/// One touch of the brush: `cells` each one step lighter (`add`) or darker. `starts` opens a new
/// stroke, the unit that Undo takes back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dab {
    pub cells: Vec<Cell>,
    pub add: bool,
    pub starts: bool,
}

/// The cells on the straight line from `from` to `to`, both included (Bresenham), so that a
/// fast stroke, whose pointer events jump cells, skips none.
pub fn line(from: Cell, to: Cell) -> Vec<Cell> {
    let (mut r, mut c) = (from.0 as i64, from.1 as i64);
    let (r1, c1) = (to.0 as i64, to.1 as i64);
    let (dr, dc) = ((r1 - r).abs(), -(c1 - c).abs());
    let (sr, sc) = ((r1 - r).signum(), (c1 - c).signum());
    let mut error = dr + dc;
    let mut cells = vec![(r as usize, c as usize)];
    while (r, c) != (r1, c1) {
        let twice = 2 * error;
        if twice >= dc {
            error += dc;
            r += sr;
        }
        if twice <= dr {
            error += dr;
            c += sc;
        }
        cells.push((r as usize, c as usize));
    }
    cells
}

/// `pixels` with each of `cells` moved one step up (`add`) or down, within [0, 1], in 8-bit
/// levels (as a link carries them). A cell named twice moves twice; cells off the grid are
/// ignored.
pub fn dabbed(pixels: &[f32], cells: &[Cell], add: bool) -> Vec<f32> {
    let mut out = pixels.to_vec();
    let step = if add { STEP_LEVELS } else { -STEP_LEVELS };
    for &(r, c) in cells.iter().filter(|(r, c)| *r < SIDE && *c < SIDE) {
        let v = &mut out[r * SIDE + c];
        *v = (i32::from(level(*v)) + step).clamp(0, 255) as f32 / 255.0;
    }
    out
}

/// The cursor after an arrow key (`None`: not an arrow key), kept on the grid.
pub fn moved((r, c): Cell, key: &str) -> Option<Cell> {
    let last = SIDE - 1;
    Some(match key {
        "ArrowUp" => (r.saturating_sub(1), c),
        "ArrowDown" => ((r + 1).min(last), c),
        "ArrowLeft" => (r, c.saturating_sub(1)),
        "ArrowRight" => (r, (c + 1).min(last)),
        _ => return None,
    })
}

/// Whether a key adds ink (`Some(true)`: + or =), removes it (`Some(false)`: − or _), or
/// neither.
pub fn key_adds(key: &str) -> Option<bool> {
    match key {
        "+" | "=" => Some(true),
        "-" | "_" | "−" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_visits_every_cell_between_its_ends_without_gaps() {
        assert_eq!(line((3, 3), (3, 3)), [(3, 3)]);
        assert_eq!(line((0, 0), (0, 3)), [(0, 0), (0, 1), (0, 2), (0, 3)]);
        assert_eq!(line((2, 2), (0, 0)), [(2, 2), (1, 1), (0, 0)]);
        for (from, to) in [((0, 0), (27, 5)), ((27, 27), (3, 14)), ((10, 0), (0, 27))] {
            let cells = line(from, to);
            assert_eq!((cells[0], *cells.last().unwrap()), (from, to));
            for w in cells.windows(2) {
                let step = (w[0].0.abs_diff(w[1].0), w[0].1.abs_diff(w[1].1));
                assert!(step.0 <= 1 && step.1 <= 1 && step != (0, 0), "{w:?}");
            }
        }
    }

    #[test]
    fn a_dab_moves_its_cells_a_step_within_the_box() {
        let mut pixels = vec![0.0; SIDE * SIDE];
        pixels[1] = 250.0 / 255.0;
        let once = dabbed(&pixels, &[(0, 0), (0, 1), (0, 0), (40, 2)], true);
        assert_eq!(once[0], 64.0 / 255.0, "named twice, moved twice");
        assert_eq!(once[1], 1.0, "clipped at white");
        assert_eq!(
            once[2..],
            pixels[2..],
            "the rest untouched; off-grid ignored"
        );
        let back = dabbed(&once, &[(0, 0), (0, 0), (0, 0)], false);
        assert_eq!(back[0], 0.0, "clipped at black");
    }

    #[test]
    fn arrows_move_the_cursor_on_the_grid_and_plus_minus_paint() {
        assert_eq!(moved((0, 0), "ArrowUp"), Some((0, 0)));
        assert_eq!(moved((0, 0), "ArrowDown"), Some((1, 0)));
        assert_eq!(moved((27, 27), "ArrowRight"), Some((27, 27)));
        assert_eq!(moved((5, 5), "ArrowLeft"), Some((5, 4)));
        assert_eq!(moved((5, 5), "a"), None);
        assert_eq!(
            (key_adds("+"), key_adds("-"), key_adds("x")),
            (Some(true), Some(false), None)
        );
    }
}
