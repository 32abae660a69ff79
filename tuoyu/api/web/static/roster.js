/* roster.html: the month's inspection roster, its draw record and its verification. */
(function () {
  'use strict';
  var T = window.Tuoyu;
  var api = T.api;
  var state = null;  // {job, rows, draw, names}
  var tablesCache = {};

  function table(ds, name) {
    var key = ds + '/' + name;
    if (!tablesCache[key]) {
      tablesCache[key] = T.tableRows(ds, name)
        .catch(function () { delete tablesCache[key]; return []; });
    }
    return tablesCache[key];
  }

  function ids(v) {
    if (Array.isArray(v)) { return v.map(String); }
    return String(v || '').split(/[;,]/).map(function (s) { return s.trim(); })
      .filter(Boolean);
  }

  function load(job) {
    var ds = job.dataset_id;
    return Promise.all([
      api(T.resultUrl(job.id)),
      api(T.fileUrl(job.id, 'draw.json')).catch(function () { return null; }),
      table(ds, 'institutions'), table(ds, 'inspectors'), table(ds, 'streets')
    ]).then(function (r) {
      var names = {inst: {}, insp: {}, street: {}};
      r[2].forEach(function (x) { names.inst[x.institution_id] = x.name; });
      r[3].forEach(function (x) { names.insp[x.inspector_id] = x.name; });
      r[4].forEach(function (x) { names.street[String(x.street_id)] = x.name; });
      state = {job: job, result: r[0], rows: r[0].rows || [], draw: r[1], names: names};
      T.showReasons(job.id, r[0]);
      var month = (job.params || {}).month || '';
      var first = month ? month + '-01' : '';
      var rd = document.getElementById('replan-date');
      rd.min = first;
      if (!rd.value || rd.value.slice(0, 7) !== month) { rd.value = first; }
      showMonth();
      document.getElementById('verify-result').textContent = '';
      render();
    });
  }

  function label(map, id) { return map[id] ? map[id] + '（' + id + '）' : id; }

  function reasonText(r) {
    var k = 'reason_' + r;
    var s = T.t(k);
    return s === k ? r : s;
  }

  function render() {
    if (!state) { return; }
    var n = state.names;
    document.getElementById('result').hidden = false;
    var rows = state.rows.slice().sort(function (a, b) {
      return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
    });
    T.fillTable(document.getElementById('by-day'), [
      {key: 'date'},
      {key: 'institution', fmt: function (r) { return label(n.inst, r.institution_id); }},
      {key: 'street', fmt: function (r) { return n.street[String(r.street_id)] || r.street_id; }},
      {key: 'inspectors', fmt: function (r) {
        return ids(r.inspector_ids).map(function (i) { return n.insp[i] || i; }).join('、');
      }},
      {key: 'reason', fmt: function (r) { return reasonText(r.reason); }},
      {key: 'note'}
    ], rows);
    var per = {};
    rows.forEach(function (r) {
      ids(r.inspector_ids).forEach(function (i) {
        (per[i] = per[i] || []).push(r);
      });
    });
    var insp = Object.keys(per).sort().map(function (i) { return {id: i, visits: per[i]}; });
    T.fillTable(document.getElementById('by-inspector'), [
      {key: 'inspector', fmt: function (x) { return label(n.insp, x.id); }},
      {key: 'visits', fmt: function (x) { return x.visits.length; }},
      {key: 'date', fmt: function (x) {
        return x.visits.map(function (r) {
          return r.date.slice(5) + ' ' + (n.inst[r.institution_id] || r.institution_id);
        }).join('；');
      }}
    ], insp);
    var dl = document.getElementById('downloads');
    dl.innerHTML = '';
    dl.appendChild(T.el('b', {text: T.t('downloads_label')}));
    ['roster.csv', 'roster.xlsx', 'draw.json'].forEach(function (f) {
      dl.appendChild(T.downloadLink(state.job.id, f));
    });
    var rec = document.getElementById('draw-record');
    rec.innerHTML = '';
    var d = state.draw || {};
    var inputs = d.inputs || {};
    var solver = d.solver || {};
    var drawn = (d.draw && d.draw.drawn) || [];
    function item(k, v, id) {
      rec.appendChild(T.el('dt', {text: T.t(k)}));
      rec.appendChild(T.el('dd', id ? {id: id, text: v} : {text: v}));
    }
    item('month', d.month || (state.job.params || {}).month || '');
    item('seed', d.seed !== undefined ? String(d.seed) : '', 'draw-seed');
    item('fingerprint', inputs.tables_fingerprint || '');
    item('result_fingerprint', d.result_fingerprint || '');
    item('drawn', drawn.length + '：' + drawn.map(function (i) { return label(n.inst, i); })
      .join('、'), 'draw-drawn');
    item('solver_status', state.result.status_label || solver.status || '');
    item('unique_optimum', solver.unique_optimum === undefined ? '' :
      T.t(solver.unique_optimum ? 'yes' : 'no'));
  }

  function busy(on) { document.getElementById('roster-btn').disabled = on; }

  /* The month's official state: its draws (oldest first), the one in force, published? */
  function showMonth() {
    if (!state) { return null; }
    var ds = state.job.dataset_id, month = (state.job.params || {}).month;
    var base = '/api/v1/datasets/' + encodeURIComponent(ds) + '/rosters/' +
      encodeURIComponent(month);
    var link = document.getElementById('notice-link');
    link.href = base + '/notice?lang=' + T.lang();
    document.getElementById('notice-xlsx').href = base + '/notice?format=xlsx&lang=' + T.lang();
    return api(base).then(function (m) {
      var seed = state.draw ? state.draw.seed : null;
      var mine = m.in_force && seed !== null && m.in_force.seed === seed;
      var line = m.published ? T.t('month_published', {month: month}) :
        T.t('month_draft', {month: month});
      if (m.in_force) {
        line += ' ' + T.t('in_force', {seed: m.in_force.seed}) + (mine ? T.t('this_draw') : '');
      }
      document.getElementById('month-state').textContent = line;
      var ol = document.getElementById('earlier-draws');
      ol.innerHTML = '';
      (m.draws || []).forEach(function (d) {
        ol.appendChild(T.el('li', {text: T.t('draw_line', {seed: d.seed,
          time: d.time || '', state: T.t('state_' + d.status),
          reason: d.reason ? '：' + d.reason : ''})}));
      });
      document.getElementById('publish-btn').disabled = !!(m.published && mine);
      return m;
    }).catch(T.showError);
  }

  function publish() {
    if (!state) { return; }
    api('/api/v1/jobs/' + encodeURIComponent(state.job.id) + '/publish', {method: 'POST'})
      .then(showMonth, T.showError);
  }

  function replanMonth(ev) {
    ev.preventDefault();
    if (!state) { return; }
    var from = document.getElementById('replan-date').value;
    busy(true);
    api('/api/v1/jobs/' + encodeURIComponent(state.job.id) + '/replan',
      {method: 'POST', json: {from_date: from}}).then(function (job) {
      T.showJob(job);
      return T.finish(job.id);
    }).then(function (job) {
      history.replaceState(null, '', '/roster?job=' + encodeURIComponent(job.id));
      return load(job);
    }).catch(T.showError).then(function () { busy(false); });
  }

  function params() {
    var p = {month: document.getElementById('month').value};
    var s = document.getElementById('seed').value;
    if (s !== '') { p.seed = Number(s); }
    var why = document.getElementById('redraw-reason').value.trim();
    if (why) { p.redraw_reason = why; }
    return p;
  }

  function make() {
    busy(true);
    var ds = document.getElementById('dataset').value;
    return T.runJob('roster', ds, params()).then(function (job) {
      history.replaceState(null, '', '/roster?job=' + encodeURIComponent(job.id));
      return load(job);
    }).catch(T.showError).then(function () { busy(false); });
  }

  function verify() {
    if (!state) { return; }
    var out = document.getElementById('verify-result');
    out.textContent = T.t('loading');
    out.className = '';
    api('/api/v1/jobs/' + encodeURIComponent(state.job.id) + '/verify', {method: 'POST'})
      .then(function (v) {
        out.className = v.matches ? 'ok' : 'bad';
        out.textContent = v.matches ? T.t('verify_ok') :
          T.t('verify_bad') + (v.problems || []).join('；');
      }, function (e) { out.textContent = ''; T.showError(e); });
  }

  function start() {
    var jobId = T.param('job');
    var m = T.param('month');
    document.getElementById('month').value = m || T.defaults().month;
    T.loadDatasets(document.getElementById('dataset')).then(function () {
      if (!jobId) { return null; }
      return T.finish(jobId).then(function (job) {
        var p = job.params || {};
        if (p.month) { document.getElementById('month').value = p.month; }
        if (p.seed !== undefined && p.seed !== null) { document.getElementById('seed').value = p.seed; }
        return load(job);
      });
    }).catch(T.showError);
  }

  document.getElementById('roster-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    make();
  });
  document.getElementById('verify-btn').addEventListener('click', verify);
  document.getElementById('publish-btn').addEventListener('click', publish);
  document.getElementById('replan-form').addEventListener('submit', replanMonth);
  T.onLang(render);
  T.setupChrome();
  start();
})();
