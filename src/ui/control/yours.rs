//! The student's own models for the model menus: listed from the browser's storage when the
//! page starts, and again whenever the Train panel keeps one (a run, an upload).

use crate::ui::state::{Action, State, YourModel};
use blindspot_core::yours;
use yew::prelude::*;

/// Lists the kept models now; the callback lists them again.
#[hook]
pub fn use_yours(dispatch: UseReducerDispatcher<State>) -> Callback<()> {
    let relist = Callback::from(move |()| {
        let dispatch = dispatch.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // No storage (a private window): no models of yours, nothing to say.
            let cards = crate::yours_store::list().await.unwrap_or_default();
            // A kept card names a known architecture (`yours::check` at keeping).
            let listed = cards.into_iter().filter_map(|c| {
                let twin = yours::spec_for(&c.name, &c).ok()?.name.to_string();
                let title = c.title.clone().unwrap_or_else(|| c.name.clone());
                Some(YourModel {
                    name: c.name,
                    title,
                    twin,
                })
            });
            dispatch.dispatch(Action::Yours(listed.collect()));
        });
    });
    {
        let relist = relist.clone();
        use_effect_with((), move |_| relist.emit(()));
    }
    relist
}
