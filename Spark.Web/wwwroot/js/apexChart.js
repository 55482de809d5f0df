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

// Options arrive as JSON, which cannot carry functions: a formatter named "inr" becomes Indian grouping (₹12,34,567.89).
const inr = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 2 });
const formatters = { inr: (value) => (value == null || Number.isNaN(value) ? '' : inr.format(value)) };

function hydrate(options) {
  const named = (holder) => {
    if (holder && typeof holder.formatter === 'string' && formatters[holder.formatter]) holder.formatter = formatters[holder.formatter];
  };
  const axes = Array.isArray(options?.yaxis) ? options.yaxis : [options?.yaxis];
  axes.forEach((axis) => named(axis?.labels));
  named(options?.tooltip?.y);
  named(options?.dataLabels);
  return options;
}

export async function render(element, options) {
  await ensureApexCharts();
  const chart = new window.ApexCharts(element, hydrate(options));
  await chart.render();
  return {
    updateSeries: (series) => chart.updateSeries(series),
    updateOptions: (next) => chart.updateOptions(hydrate(next)),
    destroy: () => chart.destroy(),
  };
}
