//! A file input that also takes a dropped file: the digit panel's upload and the Photos panel's.
use web_sys::{DragEvent, File, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// What the input says it takes.
    pub label: AttrValue,
    pub testid: AttrValue,
    /// The file chosen or dropped (decoding is the owner's: a digit and a photo differ).
    pub on_file: Callback<File>,
    /// Refuses files (while its owner is busy).
    #[prop_or_default]
    pub disabled: bool,
}

/// A file input that also takes drag-and-drop.
#[function_component]
pub fn Upload(props: &Props) -> Html {
    let onchange = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                on_file.emit(file);
            }
            input.set_value("");
        })
    };
    let ondrop = {
        let (on_file, disabled) = (props.on_file.clone(), props.disabled);
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if disabled {
                return;
            }
            if let Some(file) = (e.data_transfer())
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                on_file.emit(file);
            }
        })
    };
    html! {
        <div class="upload" ondragover={Callback::from(|e: DragEvent| e.prevent_default())} {ondrop}>
            <label>{props.label.clone()}{" "}
                <input type="file" data-testid={props.testid.clone()} accept="image/png,image/jpeg,image/webp,image/gif" disabled={props.disabled} {onchange} />
            </label>
        </div>
    }
}
