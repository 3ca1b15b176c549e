use blindspot_core::preprocess::MAX_PIXELS;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, HtmlCanvasElement, HtmlInputElement, ImageBitmap};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub on_image: Callback<Result<Vec<f32>, String>>,
}

/// Decodes any image the browser can (PNG, JPEG, WebP, GIF) and preprocesses it as MNIST was.
async fn decode(file: File) -> Result<Vec<f32>, String> {
    let name = file.name();
    if file.size() == 0.0 {
        return Err(format!("{name} is empty"));
    }
    let window = web_sys::window().ok_or("no window")?;
    let promise = window
        .create_image_bitmap_with_blob(&file)
        .map_err(|_| format!("{name} is not an image"))?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| format!("{name} is not an image this browser can decode (or it is corrupt)"))?
        .unchecked_into();
    let (w, h) = (bitmap.width(), bitmap.height());
    if (w as usize).saturating_mul(h as usize) > MAX_PIXELS {
        return Err(format!(
            "{name} is {w}×{h}, over the {} megapixel limit",
            MAX_PIXELS / 1_000_000
        ));
    }
    let canvas: HtmlCanvasElement = window
        .document()
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into().ok())
        .ok_or("cannot create a canvas")?;
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx = crate::pixels::context(&canvas);
    ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0)
        .map_err(|_| format!("cannot draw {name}"))?;
    crate::ink::mnist_input(&canvas).map_err(|e| format!("{name}: {e}"))
}

/// A file input that also takes drag-and-drop.
#[function_component]
pub fn Upload(props: &Props) -> Html {
    let handle = {
        let on_image = props.on_image.clone();
        move |file: Option<File>| {
            let on_image = on_image.clone();
            if let Some(file) = file {
                wasm_bindgen_futures::spawn_local(async move { on_image.emit(decode(file).await) });
            }
        }
    };
    let onchange = {
        let handle = handle.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            handle(input.files().and_then(|f| f.get(0)));
            input.set_value("");
        })
    };
    let ondrop = Callback::from(move |e: DragEvent| {
        e.prevent_default();
        handle(
            e.data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0)),
        );
    });
    html! {
        <div class="upload" ondragover={Callback::from(|e: DragEvent| e.prevent_default())} {ondrop}>
            <label>{"Upload a photo or drawing of a digit (or drop it here) "}
                <input type="file" data-testid="upload" accept="image/png,image/jpeg,image/webp,image/gif" {onchange} />
            </label>
        </div>
    }
}
