//! The gallery: committed MNIST test digits to pick from, and a random one.
use super::DigitCanvas;
use crate::ui::colour::digit_rgba;
use blindspot_core::data::Digits;
use std::rc::Rc;
use yew::prelude::*;

/// Digits shown in the gallery at once.
const SHOWN: usize = 24;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub digits: Option<Rc<Digits>>,
    pub on_pick: Callback<usize>,
}

/// Committed MNIST test digits to pick from, and a button for a random one.
#[function_component]
pub fn Gallery(props: &Props) -> Html {
    let offset = use_state(|| 0usize);
    let Some(digits) = props.digits.clone() else {
        return html! { <div data-testid="gallery" class="gallery">{"Loading the gallery…"}</div> };
    };
    let random = {
        let (on_pick, n) = (props.on_pick.clone(), digits.len());
        Callback::from(move |_| on_pick.emit((js_sys::Math::random() * n as f64) as usize % n))
    };
    let more = {
        let (offset, n) = (offset.clone(), digits.len());
        Callback::from(move |_| offset.set((*offset + SHOWN) % n))
    };
    html! {
        <div data-testid="gallery" class="gallery" role="group" aria-label="Gallery of MNIST test digits">
            <div class="grid">
            { for (*offset..(*offset + SHOWN).min(digits.len())).map(|i| {
                let on_pick = props.on_pick.clone();
                html! {
                    <button class="pick" data-index={i.to_string()} title={format!("test digit #{i}, label {}", digits.labels[i])}
                        aria-label={format!("test digit {i}, a {}", digits.labels[i])}
                        onclick={Callback::from(move |_| on_pick.emit(i))}>
                        <DigitCanvas rgba={digit_rgba(&digits.pixels(i))} />
                    </button>
                }
            }) }
            </div>
            <div class="row">
                <button data-testid="gallery-random" onclick={random}>{"Random digit"}</button>
                <button onclick={more}>{"More"}</button>
            </div>
        </div>
    }
}
