// The app bar's menus are native popovers (decision 0072). The browser opens them from their button and closes them on
// Escape or a click outside; a link followed or an item chosen inside one closes it too, as a menu does. Links navigate
// without a page load (Blazor's routing), so without this a menu would stay open over the next page.
document.addEventListener('click', event => {
  const item = event.target instanceof Element ? event.target.closest('[popover] a[href], [popover] [data-menu-close]') : null;
  const menu = item?.closest('[popover]');
  if (menu && menu.matches(':popover-open')) menu.hidePopover();
});
