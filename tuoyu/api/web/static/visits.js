/* visits.html: a week of home guidance visits, routed: a line per person and day on the
 * map (offline: a basemap only from the configured tile server), the visits by day and person, coverage by street.
 * Family data: pseudonymous ids and committees only; the page is for planners and staff. */
(function () {
  'use strict';
  var T = window.Tuoyu;
  var api = T.api;
  var WORDS = {
    zh: {title: '新生儿家庭上门指导', dataset: '数据集', week: '周（周一）', iterations: '搜索迭代次数',
      plan: '安排上门', day: '日期', person: '人员', all: '全部', coverage: '各街镇覆盖情况',
      visits: '上门安排', privacy: '本页含家庭个人信息（化名编号），仅供规划人员和指导人员使用。',
      street: '街镇', registered: '已登记', visited: '已上门', planned: '本周安排', due: '本周到期',
      due_planned: '到期已安排', overdue: '已逾期', date: '日期', half: '时段', start: '开始',
      staff: '人员', order: '顺序', family: '家庭编号', committee: '居委', needs: '指导需求',
      AM: '上午', PM: '下午', education: '教育', medical: '医学', psychology: '心理',
      summary: '状态：{status}；上门 {visits} 户，路线 {routes} 条，路途合计 {travel} 分钟；目标值 {objective}，下界 {bound}。',
      none: '这一周还没有上门计划：请点“安排上门”。',
      base_minutes: '离驻点（分钟）', far_why: '为何不由更近的小组去',
      far_only: '只看远途上门', far_count: '（{n} 次）', far_tip: '其中远途 {n} 次',
      legend_item: '{who}：{days} 条路线，上门 {visits} 户，路途 {minutes} 分钟'},
    en: {title: 'Home guidance visits', dataset: 'Dataset', week: 'Week (Monday)',
      iterations: 'Search iterations', plan: 'Plan visits', day: 'Day', person: 'Person',
      all: 'all', coverage: 'Coverage by street', visits: 'Visits',
      privacy: 'This page holds family data (pseudonymous ids): for planners and staff only.',
      street: 'Street', registered: 'registered', visited: 'visited', planned: 'planned',
      due: 'due', due_planned: 'due, planned', overdue: 'overdue', date: 'Date', half: 'Half',
      start: 'Start', staff: 'Staff', order: 'Order', family: 'Family', committee: 'Committee',
      needs: 'Needs', AM: 'AM', PM: 'PM', education: 'education', medical: 'medical',
      psychology: 'psychology',
      summary: 'Status: {status}; {visits} visits on {routes} routes, {travel} minutes of travel; objective {objective}, bound {bound}.',
      none: 'No plan for this week yet: press "Plan visits".',
      base_minutes: 'From the base (min)', far_why: 'Why not a nearer team',
      far_only: 'Far visits only', far_count: ' ({n})', far_tip: '{n} of them far',
      legend_item: '{who}: {days} routes, {visits} visits, {minutes} minutes on the road'}
  };
  var COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d',
    '#1f78b4', '#b2df8a', '#fb9a99'];
  var map = L.map('map', {zoomControl: false}).setView([31.40, 121.43], 11);
  map.attributionControl.setPrefix(false);  // no library name on a planner's map
  var zoom = null;
  /* Leaflet's own buttons speak the page's language (as on the siting map). */
  function zoomControl() {
    if (zoom) { zoom.remove(); }
    zoom = L.control.zoom({zoomInTitle: T.t('zoom_in'), zoomOutTitle: T.t('zoom_out')})
      .addTo(map);
  }
  zoomControl();
  if (T.mapTiles()) {  // a basemap only from the configured tile server (TUOYU_MAP_TILES)
    L.tileLayer(T.mapTiles(), {maxZoom: 19}).addTo(map);
  }
  var layer = null;
  var state = null;  // {job, result, routes, coverage, names}
  var table = T.cachedTableRows;  // a dataset's table (every page of it), asked once
  var outline = null;  // the district's streets under the routes: {ds, layer}
  window.tuoyuVisits = {map: map, lines: 0, jobId: null};

  function w(key, vars) {
    var s = (WORDS[T.lang()] || WORDS.zh)[key];
    if (s === undefined) { s = WORDS.zh[key] !== undefined ? WORDS.zh[key] : key; }
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  }

  function words() {
    document.title = w('title');
    document.querySelectorAll('[data-v]').forEach(function (el) {
      el.textContent = w(el.getAttribute('data-v'));
    });
  }

  function index(rows, key) {
    var m = {};
    rows.forEach(function (r) { m[String(r[key])] = r.name; });
    return m;
  }

  function csvRows(text) { return T.parseCsv(text); }  // objects keyed by the header

  function latest(ds, week) {
    return api('/api/v1/jobs').then(function (jobs) {
      for (var i = 0; i < jobs.length; i++) {
        var j = jobs[i];
        if (j.kind === 'visits' && j.dataset_id === ds && (j.params || {}).week === week &&
            (j.status === 'done' || j.status === 'infeasible')) { return j; }
      }
      return null;
    });
  }

  var shown = 0;  // the newest plan asked for: an older answer arriving late is dropped

  function load(job, ticket) {
    var ds = job.dataset_id;
    return Promise.all([
      api(T.fileUrl(job.id, 'visits.csv'), {as: 'text'}),
      api(T.fileUrl(job.id, 'visits_routes.geojson')),
      api(T.fileUrl(job.id, 'coverage.csv'), {as: 'text'}),
      table(ds, 'guidance_staff'), table(ds, 'communities'),
      api(T.fileUrl(job.id, 'visits_summary.txt'), {as: 'text'}).catch(function () { return ''; }),
      farReasons(job.id)
    ]).then(function (r) {
      if (ticket !== shown) { return; }
      state = {job: job, rows: csvRows(r[0]), routes: r[1], coverage: csvRows(r[2]),
        names: {staff: index(r[3], 'staff_id'), committee: index(r[4], 'community_id')},
        summary: r[5], far: r[6]};
      window.tuoyuVisits.jobId = job.id;
      T.showReasons(job.id);  // the plan's status, targets, weighed goals and findings
      filters();
      draw();
    });
  }

  // why each far visit is made by its team and not a nearer one: the plan's findings
  // visits.far.* (one per visit, in the page's language), by family and date
  function farReasons(jobId) {
    return api(T.resultUrl(jobId)).then(function (res) {
      var out = {};
      (res.findings || []).forEach(function (f) {
        var p = f.params || {};
        if (f.code.indexOf('visits.far.') === 0 && p.family_id) {
          out[p.family_id + '|' + p.date] = f.message;
        }
      });
      return out;
    }).catch(function () { return {}; });
  }

  function farOf(r) { return r.far_reason ? (state.far[r.family_id + '|' + r.date] || r.far_reason) : ''; }

  // the dataset's street boundaries, drawn once under the routes (not clickable)
  function streets(ds) {
    if (outline && outline.ds === ds) { return Promise.resolve(outline.layer); }
    if (outline) { map.removeLayer(outline.layer); outline = null; }
    return api('/api/v1/datasets/' + encodeURIComponent(ds) + '/streets.geojson').then(function (g) {
      var l = L.geoJSON(g, {interactive: false,
        style: {color: '#6b7b8c', weight: 1, fill: false, dashArray: '3 3'}}).addTo(map);
      l.bringToBack();
      outline = {ds: ds, layer: l};
      if (!layer) { map.fitBounds(l.getBounds(), {padding: [10, 10]}); }
      return l;
    }).catch(function () { return null; });  // no street polygons: routes alone
  }

  function options(sel, values, label) {
    var keep = sel.value;
    sel.innerHTML = '';
    sel.appendChild(T.el('option', {value: '', text: w('all')}));
    values.forEach(function (v) { sel.appendChild(T.el('option', {value: v, text: label(v)})); });
    if (values.indexOf(keep) >= 0) { sel.value = keep; }
  }

  function staffName(ids) {
    return String(ids).split(';').map(function (s) {
      return (state.names.staff[s] || s);
    }).join('、');
  }

  function filters() {
    var days = {}, people = {};
    state.rows.forEach(function (r) {
      days[r.date] = true;
      r.staff_ids.split(';').forEach(function (s) { people[s] = true; });
    });
    options(document.getElementById('day-filter'), Object.keys(days).sort(), String);
    options(document.getElementById('staff-filter'), Object.keys(people).sort(), function (s) {
      return (state.names.staff[s] || s) + '（' + s + '）';
    });
  }

  function needs(v) {
    return String(v || '').split(';').filter(Boolean).map(function (x) { return w(x); }).join('、');
  }

  // a colour per person or two-person team, the same on every day of the week and under
  // every filter (ordered by ids): the palette first, then hues a golden angle apart, so
  // no two teams share a colour however many there are
  function teamLooks() {
    var teams = {};
    (state.routes.features || []).forEach(function (f) { teams[f.properties.staff_ids] = 1; });
    var order = Object.keys(teams).sort();
    return function (ids) {
      var i = order.indexOf(String(ids));
      var c = i < COLOURS.length ? COLOURS[i] : 'hsl(' +
        ((i * 137.508) % 360).toFixed(1) + ', 70%, ' + (32 + (i % 3) * 10) + '%)';
      return {color: c, weight: 3};
    };
  }

  // which line is whose: a swatch per team shown, its visits and minutes on the road
  function legend(feats, look) {
    var box = document.getElementById('route-legend');
    box.innerHTML = '';
    var per = {};
    feats.forEach(function (f) {
      var p = f.properties, t = per[p.staff_ids] || {visits: 0, minutes: 0, days: 0};
      t.visits += Number(p.visits) || 0;
      t.minutes += Number(p.travel_minutes) || 0;
      t.days += 1;
      per[p.staff_ids] = t;
    });
    var ids = Object.keys(per).sort();
    ids.forEach(function (id) {
      var st = look(id), item = T.el('li', {});
      var sw = T.el('span', {'class': 'sw'});
      sw.style.borderTop = '3px solid ' + st.color;
      item.appendChild(sw);
      item.appendChild(document.createTextNode(w('legend_item', {
        who: staffName(id), days: per[id].days, visits: per[id].visits,
        minutes: per[id].minutes})));
      box.appendChild(item);
    });
    box.hidden = !ids.length;
    window.tuoyuVisits.legend = ids.length;
  }

  function draw() {
    if (!state) { return; }
    var day = document.getElementById('day-filter').value;
    var person = document.getElementById('staff-filter').value;
    var farOnly = document.getElementById('far-only').checked;
    var farRoutes = {};  // team and day -> its far visits
    state.rows.forEach(function (r) {
      if (r.far_reason) {
        var k = r.staff_ids + '|' + r.date;
        farRoutes[k] = (farRoutes[k] || 0) + 1;
      }
    });
    var nFar = state.rows.filter(function (r) { return r.far_reason; }).length;
    document.getElementById('far-count').textContent = w('far_count', {n: nFar});
    function keep(date, ids) {
      return (!day || date === day) && (!person || String(ids).split(';').indexOf(person) >= 0) &&
        (!farOnly || farRoutes[ids + '|' + date] > 0);
    }
    if (layer) { map.removeLayer(layer); }
    var feats = (state.routes.features || []).filter(function (f) {
      return keep(f.properties.date, f.properties.staff_ids);
    });
    var look = teamLooks();
    layer = L.geoJSON({type: 'FeatureCollection', features: feats}, {
      style: function (f) { return look(f.properties.staff_ids); },
      onEachFeature: function (f, l) {
        var p = f.properties;
        var tip = document.createElement('span');
        var far = farRoutes[p.staff_ids + '|' + p.date] || 0;
        tip.textContent = p.date + ' ' + staffName(p.staff_ids) + '：' + p.visits + ' / ' +
          p.travel_minutes + ' min' + (far ? '；' + w('far_tip', {n: far}) : '');
        l.bindTooltip(tip);
      }
    }).addTo(map);
    window.tuoyuVisits.lines = feats.length;
    legend(feats, look);
    if (feats.length) { map.fitBounds(layer.getBounds(), {padding: [20, 20]}); }
    var rows = state.rows.filter(function (r) {
      return keep(r.date, r.staff_ids) && (!farOnly || r.far_reason);
    });
    T.fillTable(document.getElementById('visits-table'), [
      {key: 'date', label: w('date')},
      {key: 'half', label: w('half'), fmt: function (r) { return w(r.half); }},
      {key: 'start', label: w('start'), fmt: function (r) { return r.start + '–' + r.end; }},
      {key: 'staff', label: w('staff'), fmt: function (r) { return staffName(r.staff_ids); }},
      {key: 'order', label: w('order')},
      {key: 'family_id', label: w('family')},
      {key: 'committee', label: w('committee'), fmt: function (r) {
        return state.names.committee[r.community_id] || r.community_id; }},
      {key: 'needs', label: w('needs'), fmt: function (r) { return needs(r.needs); }},
      {key: 'base_minutes', label: w('base_minutes')},
      {key: 'far', label: w('far_why'), fmt: farOf}
    ], rows);
    var trs = document.querySelectorAll('#visits-table tbody tr');
    rows.forEach(function (r, i) { if (r.far_reason && trs[i]) { trs[i].className = 'far'; } });
    T.fillTable(document.getElementById('coverage-table'), [
      {key: 'name', label: w('street')}, {key: 'registered', label: w('registered')},
      {key: 'visited', label: w('visited')}, {key: 'planned', label: w('planned')},
      {key: 'due', label: w('due')}, {key: 'due_planned', label: w('due_planned')},
      {key: 'overdue', label: w('overdue')}
    ], state.coverage);
    var box = document.getElementById('visit-summary');
    box.textContent = state.summary.split('\n')[0] || '';
    var dl = document.getElementById('downloads');
    dl.innerHTML = '';
    ['visits.csv', 'visits.xlsx', 'coverage.csv', 'visits_routes.geojson'].forEach(function (f) {
      dl.appendChild(T.downloadLink(state.job.id, f));
    });
  }

  function clear() {
    state = null;
    if (layer) { map.removeLayer(layer); layer = null; }
    window.tuoyuVisits.lines = 0;
    window.tuoyuVisits.legend = 0;
    document.getElementById('route-legend').innerHTML = '';
    document.getElementById('route-legend').hidden = true;
    ['visits-table', 'coverage-table'].forEach(function (id) {
      T.fillTable(document.getElementById(id), [], []);
    });
    document.getElementById('visit-summary').textContent = w('none');
    document.getElementById('downloads').innerHTML = '';
    document.getElementById('reasons').hidden = true;
  }

  function current() {
    var ds = document.getElementById('dataset').value;
    var week = document.getElementById('week').value;
    clear();
    streets(ds);
    var ticket = ++shown;
    return latest(ds, week).then(function (job) {
      if (ticket !== shown) { return null; }
      if (job) { T.showJob(job); return load(job, ticket); }
      return null;
    });
  }

  document.getElementById('plan-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var ds = document.getElementById('dataset').value;
    var params = {week: document.getElementById('week').value,
      iterations: Number(document.getElementById('iterations').value) || 3000};
    clear();
    var ticket = ++shown;
    T.submitJob('visits', ds, params).then(function (job) {
      T.showJob(job);
      return T.watchJob(job.id);
    }).then(function (job) {
      if (ticket !== shown) { return null; }
      if (job.status === 'done' || job.status === 'infeasible') { return load(job, ticket); }
      T.showError(new Error(job.message || T.statusText(job.status)));
      return null;
    }).catch(T.showError);
  });
  document.getElementById('day-filter').addEventListener('change', draw);
  document.getElementById('staff-filter').addEventListener('change', draw);
  document.getElementById('far-only').addEventListener('change', draw);
  document.getElementById('dataset').addEventListener('change', function () {
    current().catch(T.showError);
  });
  document.getElementById('week').addEventListener('change', function () {
    current().catch(T.showError);
  });
  T.onLang(function () {
    zoomControl();
    words();
    if (!state) { return; }
    var now = state;
    farReasons(now.job.id).then(function (far) {  // the reasons in the new language
      if (state === now) { state.far = far; draw(); }
    });
    draw();
  });
  T.setupChrome();
  words();
  T.loadDatasets(document.getElementById('dataset')).then(current).catch(T.showError);
})();
