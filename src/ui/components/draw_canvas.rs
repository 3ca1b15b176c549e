//! The drawing pad: a digit drawn with mouse, touch or pen, with Clear and Undo.
use crate::ui::ink::{SIDE, Stroke, mnist_input, paint_strokes};
use web_sys::{HtmlCanvasElement, PointerEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The 28×28 input after every stroke segment; `None` once the canvas is cleared.
    pub on_input: Callback<Option<Vec<f32>>>,
}

fn emit(canvas: &HtmlCanvasElement, strokes: &[Stroke], on_input: &Callback<Option<Vec<f32>>>) {
    if strokes.is_empty() {
        on_input.emit(None);
        return;
    }
    if let Ok(input) = mnist_input(canvas) {
        on_input.emit(Some(input));
    }
}

/// Repaints the strokes and sends the model's input for them.
fn refresh(canvas: &HtmlCanvasElement, strokes: &[Stroke], on_input: &Callback<Option<Vec<f32>>>) {
    paint_strokes(canvas, strokes);
    emit(canvas, strokes, on_input);
}

/// A canvas to draw a digit on with mouse, touch or pen, with Clear and Undo.
#[function_component]
pub fn DrawCanvas(props: &Props) -> Html {
    let node = use_node_ref();
    let strokes = use_mut_ref(Vec::<Stroke>::new);
    let drawing = use_mut_ref(|| false);
    {
        let node = node.clone();
        use_effect_with((), move |_| {
            if let Some(canvas) = node.cast::<HtmlCanvasElement>() {
                paint_strokes(&canvas, &[]);
            }
        });
    }
    let point = |e: &PointerEvent, canvas: &HtmlCanvasElement| {
        let rect = canvas.get_bounding_client_rect();
        let scale = SIDE as f64 / rect.width().max(1.0);
        (
            (e.client_x() as f64 - rect.left()) * scale,
            (e.client_y() as f64 - rect.top()) * scale,
        )
    };
    // Pointer down starts a stroke and a move extends it (while the pointer is down); both
    // repaint and send the new input.
    let on_pointer = |starts: bool| {
        let (node, strokes, drawing, on_input) = (
            node.clone(),
            strokes.clone(),
            drawing.clone(),
            props.on_input.clone(),
        );
        Callback::from(move |e: PointerEvent| {
            let Some(canvas) = node.cast::<HtmlCanvasElement>() else {
                return;
            };
            if starts {
                e.prevent_default();
                let _ = canvas.set_pointer_capture(e.pointer_id());
                *drawing.borrow_mut() = true;
                strokes.borrow_mut().push(vec![point(&e, &canvas)]);
            } else if !*drawing.borrow() {
                return;
            } else if let Some(last) = strokes.borrow_mut().last_mut() {
                last.push(point(&e, &canvas));
            }
            refresh(&canvas, &strokes.borrow(), &on_input);
        })
    };
    let (down, moved) = (on_pointer(true), on_pointer(false));
    let up = {
        let drawing = drawing.clone();
        Callback::from(move |_: PointerEvent| *drawing.borrow_mut() = false)
    };
    let clear = {
        let (node, strokes, on_input) = (node.clone(), strokes.clone(), props.on_input.clone());
        Callback::from(move |_| {
            strokes.borrow_mut().clear();
            if let Some(canvas) = node.cast::<HtmlCanvasElement>() {
                paint_strokes(&canvas, &[]);
            }
            on_input.emit(None);
        })
    };
    let undo = {
        let (node, strokes, on_input) = (node.clone(), strokes.clone(), props.on_input.clone());
        Callback::from(move |_| {
            strokes.borrow_mut().pop();
            if let Some(canvas) = node.cast::<HtmlCanvasElement>() {
                refresh(&canvas, &strokes.borrow(), &on_input);
            }
        })
    };
    html! {
        <div class="draw">
            <canvas ref={node} data-testid="draw-canvas" width={SIDE.to_string()} height={SIDE.to_string()}
                role="img" aria-label="Drawing area: draw a digit with a mouse, pen or finger (with a keyboard, pick one from the gallery)"
                onpointerdown={down} onpointermove={moved} onpointerup={up.clone()} onpointercancel={up} />
            <div class="row">
                <button data-testid="clear" onclick={clear}>{"Clear"}</button>
                <button data-testid="undo" onclick={undo}>{"Undo"}</button>
            </div>
        </div>
    }
}
