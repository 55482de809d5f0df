// ApexCharts is loaded once, on the first chart, from the copy script/server installs from npm.
let loading;

function ensureApexCharts() {
  if (window.ApexCharts) return Promise.resolve();
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'lib/apexcharts/apexcharts.min.js';
    script.onload = resolve;
    script.onerror = () => reject(new Error('ApexCharts could not be loaded'));
    document.head.appendChild(script);
  });
  return loading;
}

export async function render(element, options) {
  await ensureApexCharts();
  const chart = new window.ApexCharts(element, options);
  await chart.render();
  return {
    updateSeries: (series) => chart.updateSeries(series),
    updateOptions: (next) => chart.updateOptions(next),
    destroy: () => chart.destroy(),
  };
}
