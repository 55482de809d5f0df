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

// Options arrive as JSON, which cannot carry functions: a formatter is named and found here (decision 0054).
// "inr" / "inr-intl": full amounts in Indian (₹12,34,567.89) or international (₹1,234,567.89) grouping, for tooltips.
// "compact" / "compact-intl": axis labels, the rules of IndianFormat.Compact (₹20 L, ₹1.2 Cr / ₹2 M, ₹1.2 B).
const full = {
  indian: new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 2 }),
  international: new Intl.NumberFormat('en-US', { style: 'currency', currency: 'INR', currencyDisplay: 'narrowSymbol', maximumFractionDigits: 2 }),
};
const digits = {
  indian: new Intl.NumberFormat('en-IN', { minimumFractionDigits: 0, maximumFractionDigits: 2 }),
  international: new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 }),
};
const units = {
  indian: [[1, ''], [1e3, 'K'], [1e5, 'L'], [1e7, 'Cr']],
  international: [[1, ''], [1e3, 'K'], [1e6, 'M'], [1e9, 'B']],
};

// Two decimals, half away from zero (the magnitude is never negative here).
const round2 = (x) => Math.round((x + Number.EPSILON) * 100) / 100;

export function compact(value, grouping) {
  if (value == null || Number.isNaN(value)) return '';
  const scale = units[grouping];
  const magnitude = Math.abs(value);
  let unit = 0;
  while (unit < scale.length - 1 && magnitude >= scale[unit + 1][0]) unit++;
  let scaled = round2(magnitude / scale[unit][0]);
  while (unit < scale.length - 1 && scaled * scale[unit][0] >= scale[unit + 1][0]) {
    unit++;
    scaled = round2(magnitude / scale[unit][0]);
  }
  const suffix = scale[unit][1];
  const text = '₹' + digits[grouping].format(scaled) + (suffix ? ' ' + suffix : '');
  return value < 0 && scaled !== 0 ? '\u2212' + text : text;
}

const money = (grouping) => (value) => {
  if (value == null || Number.isNaN(value)) return '';
  const text = full[grouping].format(Math.abs(value));
  return value < 0 && text !== full[grouping].format(0) ? '\u2212' + text : text;
};

const formatters = {
  inr: money('indian'),
  'inr-intl': money('international'),
  compact: (value) => compact(value, 'indian'),
  'compact-intl': (value) => compact(value, 'international'),
};

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

// Options and series arrive as JSON text (ApexChart.razor writes it with options shared by every circuit).
const parse = (json) => (typeof json === 'string' ? JSON.parse(json) : json);

export async function render(element, options) {
  await ensureApexCharts();
  const chart = new window.ApexCharts(element, hydrate(parse(options)));
  await chart.render();
  return {
    updateSeries: (series) => chart.updateSeries(parse(series)),
    updateOptions: (next) => chart.updateOptions(hydrate(parse(next))),
    destroy: () => chart.destroy(),
  };
}
