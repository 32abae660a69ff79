/* /plan: the three-year action plan's targets of a year (三年行动计划目标完成情况), per
 * street: one card per figure with the district's figure, its goal, where it comes from,
 * and a bar chart by street (Apache ECharts, vendored under /static/vendor/echarts). The
 * figures come rendered from GET /api/v1/datasets/{id}/scorecard?year=Y; text only,
 * never HTML. A figure nothing stored can tell yet says so instead of showing 0. */
(function () {
  'use strict';
  var T = window.Tuoyu;
  var WORDS = {
    zh: {year: '年份', show: '查看', xlsx: '下载 Excel', goal: '目标', source: '数据来源',
      plans: '所用方案', by_street: '各街镇', unknown_chart: '尚无法得知，未画图',
      share: '比例', count: '数量', district: '全区'},
    en: {year: 'Year', show: 'Show', xlsx: 'Download Excel', goal: 'Goal', source: 'Source',
      plans: 'Plans used', by_street: 'By street', unknown_chart: 'Not known yet: no chart',
      share: 'share', count: 'count', district: 'District'}
  };
  function w(key) { return WORDS[T.lang()][key]; }
  var charts = [];
  var last = null;

  function words() {
    document.getElementById('year-label').textContent = w('year');
    document.getElementById('plan-btn').textContent = w('show');
    document.getElementById('plan-xlsx').textContent = w('xlsx');
  }

  function chart(node, fig) {
    var lines = fig.lines.slice(1).filter(function (x) { return x.known; });
    if (!lines.length || typeof echarts === 'undefined') {
      node.appendChild(T.el('p', {'class': 'muted', text: w('unknown_chart')}));
      return;
    }
    var share = lines[0].unit === 'share';
    var box = T.el('div', {'class': 'plan-chart', 'data-code': fig.code});
    node.appendChild(box);
    var c = echarts.init(box, null, {renderer: 'svg'});
    var goal = share ? fig.goal * 100 : fig.goal;
    var series = {
      type: 'bar',
      name: share ? w('share') : w('count'),
      data: lines.map(function (x) {
        var v = share ? (x.share === null ? 0 : Math.round(x.share * 1000) / 10) : x.value;
        var colour = x.met === false ? '#d73027' : (x.met === true ? '#1a9850' : '#8c8c8c');
        return {value: v, itemStyle: {color: colour}};
      }),
      animation: false
    };
    if (goal !== null && goal !== undefined && (share || fig.goal_max === null)) {
      series.markLine = {silent: true, symbol: 'none', data: [{yAxis: goal}],
        label: {position: 'insideEndTop', formatter: w('goal') + ' ' + (share ? goal + '%' : goal)},
        lineStyle: {type: 'dashed', color: '#333'}};
    }
    c.setOption({
      animation: false,
      grid: {left: 48, right: 16, top: 24, bottom: 90},
      tooltip: {trigger: 'axis'},
      xAxis: {type: 'category', data: lines.map(function (x) { return x.street; }),
        axisLabel: {rotate: 40, interval: 0}},
      yAxis: {type: 'value', max: share ? 100 : null,
        axisLabel: {formatter: share ? '{value}%' : '{value}'}},
      series: [series]
    });
    charts.push(c);
  }

  function draw(doc) {
    last = doc;
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.getElementById('plan-title').textContent = doc.title;
    document.getElementById('plan-plans').textContent = w('plans') + '：' +
      doc.plans.sessions + '；' + doc.plans.siting;
    var box = document.getElementById('plan-figures');
    box.innerHTML = '';
    doc.figures.forEach(function (fig) {
      var whole = fig.lines[0];
      var card = T.el('section', {'class': 'plan-figure', 'data-code': fig.code,
        'data-known': whole.known ? 'yes' : 'no'});
      card.appendChild(T.el('h2', {text: fig.label}));
      var head = [whole.figure, fig.goal_text, whole.state, whole.detail].filter(function (x) {
        return x; }).join('；');
      card.appendChild(T.el('p', {'class': 'plan-whole ' + (whole.met === false ? 'not-met' :
        whole.met === true ? 'met' : ''), text: head}));
      card.appendChild(T.el('p', {'class': 'plan-source', text: w('source') + '：' + fig.source}));
      box.appendChild(card);  // in the page first: a chart takes the size of its place
      if (fig.lines.length > 1) {
        chart(card, fig);
        var det = T.el('details', {}, [T.el('summary', {text: w('by_street')})]);
        var table = T.el('table', {}, [T.el('thead'), T.el('tbody')]);
        det.appendChild(table);
        card.appendChild(det);
        T.fillTable(table, [
          {key: 'street', label: T.t('street')}, {key: 'figure', label: fig.label},
          {key: 'state', label: T.t('status')}, {key: 'detail', label: T.t('message')}
        ], fig.lines.slice(1));
      }
    });
    document.body.setAttribute('data-plan-ready', String(doc.year));
  }

  function load() {
    var ds = document.getElementById('dataset').value;
    var year = document.getElementById('year').value;
    var q = '?year=' + encodeURIComponent(year) + '&lang=' + T.lang();
    var base = '/api/v1/datasets/' + encodeURIComponent(ds);
    document.getElementById('plan-xlsx').setAttribute('href', base + '/scorecard.xlsx' + q);
    T.showError(null);
    var url = new URL(window.location.href);
    url.searchParams.set('dataset', ds);
    url.searchParams.set('year', year);
    window.history.replaceState(null, '', url.toString());
    return T.api(base + '/scorecard' + q).then(draw, T.showError);
  }

  T.setupChrome();
  words();
  T.onLang(function () { words(); if (last) { load(); } });
  var y = T.param('year');
  document.getElementById('year').value = y && /^\d{4}$/.test(y) ? y : T.defaults().year;
  T.loadDatasets(document.getElementById('dataset')).then(load, T.showError);
  document.getElementById('plan-form').addEventListener('submit', function (e) {
    e.preventDefault();
    load();
  });
  document.getElementById('dataset').addEventListener('change', load);
  // the workbook: with a token the request must carry it (fetched, then saved as a file)
  document.getElementById('plan-xlsx').addEventListener('click', function (ev) {
    var a = ev.currentTarget;
    if (!T.token()) { return; }
    ev.preventDefault();
    T.api(a.getAttribute('href'), {as: 'blob'}).then(function (blob) {
      var u = URL.createObjectURL(blob);
      var tmp = T.el('a', {href: u, download: 'scorecard-' +
        document.getElementById('year').value + '.xlsx'});
      document.body.appendChild(tmp);
      tmp.click();
      tmp.remove();
      setTimeout(function () { URL.revokeObjectURL(u); }, 1000);
    }, T.showError);
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
})();
