//! The page's colours: the theme a link or the header chose, set on the root element as
//! `data-theme` (which `www/style.css` reads); without one, the browser's preference holds.

use crate::ui::view::Theme;
use yew::prelude::*;

#[hook]
pub fn use_theme(theme: Option<Theme>) {
    use_effect_with(theme, |theme| {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = match theme {
                Some(t) => root.set_attribute("data-theme", t.as_str()),
                None => root.remove_attribute("data-theme"),
            };
        }
    });
}
