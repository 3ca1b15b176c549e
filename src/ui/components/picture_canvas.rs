//! A canvas showing RGBA rows of any size (a photo, a triptych).
use crate::ui::pixels::paint_rgba;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// RGBA rows of any size on a canvas (a photo, a triptych).
#[derive(Properties, PartialEq)]
pub struct Props {
    pub rgba: Vec<u8>,
    pub width: u32,
    pub height: u32,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    /// What a screen reader says of the picture.
    pub label: AttrValue,
}

#[function_component]
pub fn PictureCanvas(props: &Props) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        let size = (props.width, props.height);
        use_effect_with((props.rgba.clone(), size), move |(rgba, (w, h))| {
            if let Some(canvas) = node.cast::<HtmlCanvasElement>() {
                paint_rgba(&canvas, *w, *h, rgba);
            }
        });
    }
    html! {
        <canvas ref={node} class={props.class.clone()} data-testid={props.testid.clone()}
            width={props.width.to_string()} height={props.height.to_string()} role="img" aria-label={props.label.clone()} />
    }
}
