//! The committed test slice, loaded once for the gallery.

use crate::compute::engine::gallery_digits;
use crate::ui::state::{Action, State};
use blindspot_core::data::Digits;
use std::rc::Rc;
use yew::prelude::*;

/// The gallery's digits once loaded (a failure reaches the page's error line).
#[hook]
pub fn use_gallery(dispatch: UseReducerDispatcher<State>) -> Option<Rc<Digits>> {
    let digits = use_state(|| None::<Rc<Digits>>);
    {
        let digits = digits.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match gallery_digits().await {
                    Ok(d) => digits.set(Some(Rc::new(d))),
                    Err(e) => dispatch
                        .dispatch(Action::Error(Some(format!("cannot load the gallery: {e}")))),
                }
            });
        });
    }
    (*digits).clone()
}
