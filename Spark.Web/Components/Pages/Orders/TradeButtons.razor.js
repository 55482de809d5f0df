// B and S open the order ticket on a security's page, unless the investor is typing or a dialog is open.
export function listen(dotnet) {
    const handler = e => {
        if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
        const key = e.key.toLowerCase();
        if (key !== 'b' && key !== 's') return;
        const t = e.target;
        if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
        if (document.querySelector('.mud-dialog-container')) return;
        e.preventDefault();
        dotnet.invokeMethodAsync('OnTradeKey', key === 's' ? 'sell' : 'buy');
    };
    document.addEventListener('keydown', handler);
    return { dispose: () => document.removeEventListener('keydown', handler) };
}
