//! What the page shows and how: the view an embed shows alone, the colour theme, and the text
//! that names them. Part of the page's state (`state`); a link writes and reads them (`link`).

/// A view that a page of course notes can embed alone (`#embed=<view>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum View {
    Attack,
    Transfer,
    Reproduce,
    Units,
    Stability,
    Photos,
    Compare,
    Hand,
    Quiz,
}

impl View {
    pub const ALL: [View; 9] = [
        View::Attack,
        View::Compare,
        View::Transfer,
        View::Reproduce,
        View::Units,
        View::Stability,
        View::Photos,
        View::Hand,
        View::Quiz,
    ];

    /// Its name in a link.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Attack => "attack",
            View::Transfer => "transfer",
            View::Reproduce => "reproduce",
            View::Units => "units",
            View::Stability => "stability",
            View::Photos => "photos",
            View::Compare => "compare",
            View::Hand => "hand",
            View::Quiz => "quiz",
        }
    }

    /// What a person sees it called (the iframe's title, the Embed menu).
    pub fn title(self) -> &'static str {
        match self {
            View::Attack => "an adversarial example, found in your browser",
            View::Transfer => "do other models fall for the same example?",
            View::Reproduce => "the paper's Tables 1 and 2",
            View::Units => "units versus random directions",
            View::Stability => "how much a layer can amplify a perturbation",
            View::Photos => "a photo an ImageNet network reads as an ostrich",
            View::Compare => "every attack on one digit, side by side",
            View::Hand => "fool the network by hand",
            View::Quiz => "can you spot the changed digit?",
        }
    }

    /// The view whose [`View::as_str`] is `text`.
    pub fn parse(text: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == text)
    }
}

/// The page's colours, where a link sets them (`None`: the browser's preference).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 2] = [Theme::Light, Theme::Dark];

    /// Its name in a link, and on the page's root element (`data-theme`, which the CSS reads).
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The theme whose [`Theme::as_str`] is `text`.
    pub fn parse(text: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == text)
    }
}
