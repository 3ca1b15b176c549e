// Sizes each Blindspot iframe to its content: the embed posts {type: 'blindspot:resize', height}
// whenever its height changes (README, "Embeds"). Only messages from the iframe's own window
// and origin are believed.
addEventListener('message', (event) => {
  if (event.data?.type !== 'blindspot:resize') return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === event.source && new URL(frame.src).origin === event.origin) {
      frame.style.height = `${Math.ceil(event.data.height)}px`;
    }
  }
});
