//! A 28×28 image on a canvas, scaled up with crisp pixels.
use crate::ui::pixels::paint_rgba;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// A 28×28 image on a canvas, scaled up by CSS with crisp pixels.
#[derive(Properties, PartialEq)]
pub struct Props {
    /// 784 × 4 RGBA bytes.
    pub rgba: Vec<u8>,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    /// What a screen reader says of the picture; `None`: decoration (a button names it).
    #[prop_or_default]
    pub label: Option<AttrValue>,
}

#[function_component]
pub fn DigitCanvas(props: &Props) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.rgba.clone(), move |rgba| {
            if let Some(canvas) = node.cast::<HtmlCanvasElement>() {
                paint_rgba(&canvas, 28, 28, rgba);
            }
        });
    }
    let (role, hidden) = match props.label {
        Some(_) => (Some("img"), None),
        None => (None, Some("true")),
    };
    html! {
        <canvas ref={node} class={classes!("digit", props.class.clone())} data-testid={props.testid.clone()}
            width="28" height="28" {role} aria-label={props.label.clone()} aria-hidden={hidden} />
    }
}
