/* calendar.html: the year's guidance sessions by center and by staff member. */
(function () {
  'use strict';
  var T = window.Tuoyu;
  var api = T.api;
  var state = null;
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
    return String(v || '').split(/[;,]/).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function index(rows, key) {
    var m = {};
    rows.forEach(function (r) { m[String(r[key])] = r.name; });
    return m;
  }

  function load(job) {
    var ds = job.dataset_id;
    return Promise.all([
      api(T.resultUrl(job.id)),
      table(ds, 'centers'), table(ds, 'guidance_staff'), table(ds, 'topics'), table(ds, 'events')
    ]).then(function (r) {
      state = {job: job, result: r[0], rows: r[0].rows || [],
        names: {center: index(r[1], 'center_id'), staff: index(r[2], 'staff_id'),
          topic: index(r[3], 'topic_id'), event: index(r[4], 'event_id')}};
      T.showReasons(job.id, r[0]);
      var year = (job.params || {}).year;
      var rd = document.getElementById('replan-date');
      if (year) {
        rd.min = year + '-01-01';
        rd.max = year + '-12-31';
        if (!rd.value || rd.value.slice(0, 4) !== String(year)) { rd.value = rd.min; }
      }
      var sel = document.getElementById('center-filter');
      var seen = {};
      state.rows.forEach(function (x) { seen[where(x)] = true; });
      sel.innerHTML = '';
      sel.appendChild(T.el('option', {value: '', text: '—'}));
      Object.keys(seen).sort().forEach(function (k) {
        sel.appendChild(T.el('option', {value: k, text: label(k)}));
      });
      render();
    });
  }

  function where(r) { return r.center_id ? String(r.center_id) : String(r.event_id || ''); }

  function label(k) {
    var n = state.names;
    var name = n.center[k] || n.event[k];
    return name ? name + '（' + k + '）' : k;
  }

  function render() {
    if (!state) { return; }
    var n = state.names;
    document.getElementById('result').hidden = false;
    var pick = document.getElementById('center-filter').value;
    var rows = state.rows.filter(function (r) { return !pick || where(r) === pick; })
      .sort(function (a, b) {
        var ka = where(a) + ' ' + a.date + ' ' + a.start, kb = where(b) + ' ' + b.date + ' ' + b.start;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
    T.fillTable(document.getElementById('by-center'), [
      {key: 'center', fmt: function (r) { return label(where(r)); }},
      {key: 'date'},
      {key: 'start', fmt: function (r) { return r.start + '–' + r.end; }},
      {key: 'topic', fmt: function (r) {
        return r.topic_id ? (n.topic[r.topic_id] || r.topic_id) : (n.event[r.event_id] || '');
      }},
      {key: 'staff', fmt: function (r) {
        return ids(r.staff_ids).map(function (s) { return n.staff[s] || s; }).join('、');
      }}
    ], rows);
    var per = {};
    rows.forEach(function (r) {
      ids(r.staff_ids).forEach(function (s) { (per[s] = per[s] || []).push(r); });
    });
    var staff = Object.keys(per).sort().map(function (s) {
      return {id: s, rows: per[s].slice().sort(function (a, b) {
        return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
      })};
    });
    T.fillTable(document.getElementById('by-staff'), [
      {key: 'staff', fmt: function (x) { return (n.staff[x.id] || x.id) + '（' + x.id + '）'; }},
      {key: 'sessions_count', fmt: function (x) { return x.rows.length; }},
      {key: 'date', fmt: function (x) {
        return x.rows.map(function (r) { return r.date.slice(5) + ' ' + where(r); }).join('；');
      }}
    ], staff);
    var files = state.job.files || [];
    var dl = document.getElementById('downloads');
    dl.innerHTML = '';
    dl.appendChild(T.el('b', {text: T.t('downloads_label')}));
    ['sessions.csv', 'sessions.xlsx'].forEach(function (f) {
      dl.appendChild(T.downloadLink(state.job.id, f));
    });
    var ics = document.getElementById('ics-links');
    ics.innerHTML = '';
    files.filter(function (f) { return /\.ics$/i.test(f); }).forEach(function (f) {
      ics.appendChild(T.downloadLink(state.job.id, f, f.split('/').pop()));
    });
  }

  function busy(on) { document.getElementById('calendar-btn').disabled = on; }

  function make() {
    busy(true);
    var ds = document.getElementById('dataset').value;
    var year = Number(document.getElementById('year').value);
    return T.runJob('sessions', ds, {year: year, from_date: null}).then(function (job) {
      history.replaceState(null, '', '/calendar?job=' + encodeURIComponent(job.id));
      return load(job);
    }).catch(T.showError).then(function () { busy(false); });
  }

  function start() {
    var jobId = T.param('job');
    document.getElementById('year').value = T.param('year') || T.defaults().year;
    T.loadDatasets(document.getElementById('dataset')).then(function (ds) {
      if (jobId) {
        return T.finish(jobId).then(function (job) {
          var p = job.params || {};
          if (p.year) { document.getElementById('year').value = p.year; }
          return load(job);
        });
      }
      var year = Number(document.getElementById('year').value);
      return T.latestJob('sessions', ds, function (p) { return Number(p.year) === year; })
        .then(function (job) { if (job) { T.showJob(job); return load(job); } return null; });
    }).catch(T.showError);
  }

  document.getElementById('filter-form').addEventListener('submit', function (ev) {
    ev.preventDefault();  // filtering never leaves the page
  });

  document.getElementById('replan-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!state) { return; }
    var btn = document.getElementById('replan-btn');
    btn.disabled = true;
    api('/api/v1/jobs/' + encodeURIComponent(state.job.id) + '/replan',
      {method: 'POST', json: {from_date: document.getElementById('replan-date').value}})
      .then(function (job) { T.showJob(job); return T.finish(job.id); })
      .then(function (job) {
        history.replaceState(null, '', '/calendar?job=' + encodeURIComponent(job.id));
        return load(job);
      }).catch(T.showError).then(function () { btn.disabled = false; });
  });

  document.getElementById('calendar-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    make();
  });
  document.getElementById('center-filter').addEventListener('change', render);
  T.onLang(render);
  T.setupChrome();
  start();
})();
