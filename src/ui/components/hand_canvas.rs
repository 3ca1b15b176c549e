//! The by-hand canvas: the 28×28 input drawn large, painted a cell at a time with mouse, touch
//! or pen (a stroke steps every cell it crosses once) or with the keyboard (arrows move a
//! cursor, + and − change its cell). It only turns gestures into dabs; the reducer applies them.
use crate::ui::colour::digit_rgba;
use crate::ui::hand::{Cell, Dab, SIDE, key_adds, line, moved};
use crate::ui::pixels::{context, paint_rgba};
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, KeyboardEvent, PointerEvent};
use yew::prelude::*;

/// Canvas pixels a cell (the canvas is scaled by CSS to fit).
const CELL: f64 = 10.0;
/// The keyboard cursor's colour: the perturbation's orange, seen on black and on white ink.
const CURSOR: &str = "#e66101";

#[derive(Properties, PartialEq)]
pub struct Props {
    /// What the model reads now: the input with the change so far.
    pub pixels: Vec<f32>,
    /// Whether the pointer adds ink (or takes it away).
    pub add: bool,
    pub on_dab: Callback<Dab>,
    /// A pointer stroke starts (`true`) or ends.
    pub on_stroke: Callback<bool>,
}

/// Paints `pixels` scaled up (one 28×28 image drawn large, crisp) and the cursor where the
/// keyboard is (`None`: not focused). `small` is a 28×28 canvas kept for it.
fn paint(
    canvas: &HtmlCanvasElement,
    small: &HtmlCanvasElement,
    pixels: &[f32],
    cursor: Option<Cell>,
) {
    paint_rgba(small, SIDE as u32, SIDE as u32, &digit_rgba(pixels));
    let ctx = context(canvas);
    let side = SIDE as f64 * CELL;
    ctx.set_image_smoothing_enabled(false);
    let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(small, 0.0, 0.0, side, side);
    if let Some((r, c)) = cursor {
        ctx.set_line_width(2.0);
        ctx.set_stroke_style_str(CURSOR);
        ctx.stroke_rect(
            c as f64 * CELL + 1.0,
            r as f64 * CELL + 1.0,
            CELL - 2.0,
            CELL - 2.0,
        );
    }
}

/// The cell under a pointer, or `None` off the canvas.
fn cell_at(e: &PointerEvent, canvas: &HtmlCanvasElement) -> Option<Cell> {
    let rect = canvas.get_bounding_client_rect();
    let at = |client: i32, start: f64, size: f64| {
        let k = ((client as f64 - start) / size.max(1.0) * SIDE as f64).floor();
        (0.0..SIDE as f64).contains(&k).then_some(k as usize)
    };
    Some((
        at(e.client_y(), rect.top(), rect.height())?,
        at(e.client_x(), rect.left(), rect.width())?,
    ))
}

#[function_component]
pub fn HandCanvas(props: &Props) -> Html {
    let node = use_node_ref();
    // The last cell a stroke stepped (`None`: no stroke under way).
    let last = use_mut_ref(|| None::<Cell>);
    // The cursor lives in a cell of its own, not a state handle: keys can come faster than
    // renders, and each must move on from where the last one left it.
    let cursor = use_mut_ref(|| (SIDE / 2, SIDE / 2));
    let redraw = use_force_update();
    let focused = use_state(|| false);
    let small = use_memo((), |_| {
        (web_sys::window().and_then(|w| w.document()))
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
    });
    {
        let node = node.clone();
        let shown = (*focused).then_some(*cursor.borrow());
        use_effect_with((props.pixels.clone(), shown), move |(pixels, shown)| {
            if let (Some(canvas), Some(small)) = (node.cast::<HtmlCanvasElement>(), small.as_ref())
            {
                paint(&canvas, small, pixels, *shown);
            }
        });
    }
    let down = {
        let (node, last, on_dab, on_stroke, add) = (
            node.clone(),
            last.clone(),
            props.on_dab.clone(),
            props.on_stroke.clone(),
            props.add,
        );
        Callback::from(move |e: PointerEvent| {
            let Some(canvas) = node.cast::<HtmlCanvasElement>() else {
                return;
            };
            e.prevent_default();
            let Some(cell) = cell_at(&e, &canvas) else {
                return;
            };
            let _ = canvas.set_pointer_capture(e.pointer_id());
            *last.borrow_mut() = Some(cell);
            on_stroke.emit(true);
            on_dab.emit(Dab {
                cells: vec![cell],
                add,
                starts: true,
            });
        })
    };
    let moved_over = {
        let (node, last, on_dab, add) =
            (node.clone(), last.clone(), props.on_dab.clone(), props.add);
        Callback::from(move |e: PointerEvent| {
            let (Some(canvas), Some(from)) = (node.cast::<HtmlCanvasElement>(), *last.borrow())
            else {
                return;
            };
            let Some(to) = cell_at(&e, &canvas).filter(|&to| to != from) else {
                return;
            };
            *last.borrow_mut() = Some(to);
            on_dab.emit(Dab {
                cells: line(from, to)[1..].to_vec(),
                add,
                starts: false,
            });
        })
    };
    let up = {
        let (last, on_stroke) = (last.clone(), props.on_stroke.clone());
        Callback::from(move |_: PointerEvent| {
            if last.borrow_mut().take().is_some() {
                on_stroke.emit(false);
            }
        })
    };
    let keydown = {
        let (cursor, on_dab) = (cursor.clone(), props.on_dab.clone());
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            let at = *cursor.borrow();
            if let Some(next) = moved(at, &key) {
                e.prevent_default();
                *cursor.borrow_mut() = next;
                redraw.force_update();
            } else if let Some(add) = key_adds(&key) {
                e.prevent_default();
                on_dab.emit(Dab {
                    cells: vec![at],
                    add,
                    starts: true,
                });
            }
        })
    };
    let focus = |on: bool| {
        let focused = focused.clone();
        Callback::from(move |_: FocusEvent| focused.set(on))
    };
    let side = (SIDE as f64 * CELL).to_string();
    let (row, column) = *cursor.borrow();
    html! {
        <canvas ref={node} data-testid="hand-canvas" class="hand-canvas" width={side.clone()} height={side}
            tabindex="0" role="img"
            aria-label="The digit to change: paint with a mouse, pen or finger, or move the cursor with the arrow keys and press + to add ink, − to remove it"
            data-cursor={format!("{row},{column}")}
            onpointerdown={down} onpointermove={moved_over} onpointerup={up.clone()} onpointercancel={up}
            onkeydown={keydown} onfocus={focus(true)} onblur={focus(false)} />
    }
}
