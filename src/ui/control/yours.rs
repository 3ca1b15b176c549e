//! The student's own models for the model menus: listed from the browser's storage when the
//! page starts, and again whenever the Train panel keeps one (a run, an upload).

use crate::ui::state::{Action, State};
use yew::prelude::*;

/// Lists the kept models now; the callback lists them again.
#[hook]
pub fn use_yours(dispatch: UseReducerDispatcher<State>) -> Callback<()> {
    let relist = Callback::from(move |()| {
        let dispatch = dispatch.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // No storage (a private window): no models of yours, nothing to say.
            let cards = crate::yours_store::list().await.unwrap_or_default();
            let named = cards.into_iter().map(|c| {
                let title = c.title.clone().unwrap_or_else(|| c.name.clone());
                (c.name, title)
            });
            dispatch.dispatch(Action::Yours(named.collect()));
        });
    });
    {
        let relist = relist.clone();
        use_effect_with((), move |_| relist.emit(()));
    }
    relist
}
