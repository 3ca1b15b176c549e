//! The full page's contents: every view in the order of a lecture, each a button that scrolls
//! there and goes into the link (`view=`), keyboard-operable, no framework.
use crate::ui::view::View;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Where a person went last.
    pub current: Option<View>,
    pub on_view: Callback<View>,
}

#[function_component]
pub fn Contents(props: &Props) -> Html {
    html! {
        <nav class="contents" aria-label="Contents">
            <ol>
                { for View::ALL.map(|v| html! {
                    <li><button class="link" data-testid={format!("nav-{}", v.as_str())}
                        aria-current={(props.current == Some(v)).then_some("true")}
                        onclick={props.on_view.reform(move |_| v)}>{v.short()}</button></li>
                }) }
            </ol>
        </nav>
    }
}
