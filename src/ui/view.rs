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
    Train,
}

impl View {
    /// Every view, in the order of a lecture: the paper's attack, its experiments, the attacks
    /// after it, the classroom (the page shows them in this order).
    pub const ALL: [View; 10] = [
        View::Attack,
        View::Transfer,
        View::Reproduce,
        View::Units,
        View::Stability,
        View::Photos,
        View::Compare,
        View::Hand,
        View::Quiz,
        View::Train,
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
            View::Train => "train",
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
            View::Train => "train a network, and defend it",
        }
    }

    /// What the page's contents call it.
    pub fn short(self) -> &'static str {
        match self {
            View::Attack => "The paper's attack",
            View::Transfer => "Transfer",
            View::Reproduce => "Tables 1 and 2",
            View::Units => "Units",
            View::Stability => "Stability",
            View::Photos => "Photos",
            View::Compare => "After the paper",
            View::Hand => "By hand",
            View::Quiz => "Spot the change",
            View::Train => "Train and defend",
        }
    }

    /// The id of its place on the full page (`view=` scrolls there).
    pub fn anchor(self) -> &'static str {
        match self {
            View::Attack => "view-attack",
            View::Transfer => "view-transfer",
            View::Reproduce => "view-reproduce",
            View::Units => "view-units",
            View::Stability => "view-stability",
            View::Photos => "view-photos",
            View::Compare => "view-compare",
            View::Hand => "view-hand",
            View::Quiz => "view-quiz",
            View::Train => "view-train",
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
