/* calendar.html: the year's guidance sessions as a calendar (month, week, day, list, year),
 * filtered by street, center, discipline and staff member; holidays and 调休 working days
 * marked; a click shows a session's team, topic, why it is there and what moving it breaks,
 * and re-plans from its date. The same rows as lists (by center, by staff) below. */
(function () {
  'use strict';
  var T = window.Tuoyu;
  var table = T.cachedTableRows;  // a dataset's table, asked once per page
  var ids = T.idList;
  var MV = window.TuoyuMonthView;
  var api = T.api;
  var state = null;
  var view = null;

  function byId(rows, key) {
    var m = {};
    rows.forEach(function (r) { m[String(r[key])] = r; });
    return m;
  }

  /* The punctuation of the page's language. */
  function colon() { return T.lang() === 'en' ? ': ' : '：'; }
  function comma() { return T.lang() === 'en' ? ', ' : '、'; }

  function nameOf(m, id) { return m[id] && m[id].name ? m[id].name : id; }

  function where(r) { return r.center_id ? String(r.center_id) : String(r.event_id || ''); }

  function label(k) {
    var s = state.tables;
    var name = (s.center[k] || s.event[k] || {}).name;
    return name ? name + '（' + k + '）' : k;
  }

  function disc(code) {
    var k = 'disc_' + code, s = T.t(k);
    return s === k ? code : s;
  }

  var loading = 0;  // the newest load wins: a slow one of another dataset never shows

  function load(job) {
    var ds = job.dataset_id;
    var year = Number((job.params || {}).year);
    var mine = ++loading;
    return Promise.all([
      api(T.resultUrl(job.id)),
      table(ds, 'centers'), table(ds, 'guidance_staff'), table(ds, 'topics'), table(ds, 'events'),
      table(ds, 'streets'), MV.workCalendar(ds, year)
    ]).then(function (r) {
      if (mine !== loading) { return; }
      state = {job: job, year: year, result: r[0], rows: r[0].rows || [],
        tables: {center: byId(r[1], 'center_id'), staff: byId(r[2], 'staff_id'),
          topic: byId(r[3], 'topic_id'), event: byId(r[4], 'event_id'),
          street: byId(r[5], 'street_id')},
        marks: r[6]};
      T.showingPlan(job);
      document.getElementById('no-plan').hidden = true;
      T.showReasons(job.id, r[0]);
      var rd = document.getElementById('replan-date');
      if (year) {
        rd.min = year + '-01-01';
        rd.max = year + '-12-31';
        if (!rd.value || rd.value.slice(0, 4) !== String(year)) { rd.value = rd.min; }
      }
      fillFilters();
      document.getElementById('result').hidden = false;
      document.getElementById('session-detail').hidden = true;
      render();
    });
  }

  function options(id, pairs) {
    var sel = document.getElementById(id);
    var keep = sel.value;
    sel.innerHTML = '';
    sel.appendChild(T.el('option', {value: '', text: T.t('all')}));
    pairs.forEach(function (p) { sel.appendChild(T.el('option', {value: p[0], text: p[1]})); });
    sel.value = pairs.some(function (p) { return p[0] === keep; }) ? keep : '';
  }

  function sortPairs(pairs) {
    return pairs.sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
  }

  /* Only what the plan uses: its streets, centers, disciplines and staff. */
  function fillFilters() {
    var s = state.tables, streets = {}, centers = {}, discs = {}, staff = {};
    state.rows.forEach(function (r) {
      var c = s.center[String(r.center_id)];
      if (c) { centers[c.center_id] = true; streets[String(c.street_id)] = true; }
      ids(r.staff_ids).forEach(function (x) {
        staff[x] = true;
        if (s.staff[x]) { discs[s.staff[x].discipline] = true; }
      });
    });
    options('street-filter', sortPairs(Object.keys(streets).map(function (k) {
      return [k, nameOf(s.street, k)];
    })));
    options('center-filter', sortPairs(Object.keys(centers).map(function (k) {
      return [k, nameOf(s.center, k)];
    })));
    options('discipline-filter', Object.keys(discs).sort().map(function (k) {
      return [k, disc(k)];
    }));
    options('staff-filter', sortPairs(Object.keys(staff).map(function (k) {
      return [k, nameOf(s.staff, k)];
    })));
  }

  function picked(id) { return document.getElementById(id).value; }

  function filtered() {
    var s = state.tables;
    var street = picked('street-filter'), center = picked('center-filter');
    var d = picked('discipline-filter'), who = picked('staff-filter');
    return state.rows.filter(function (r) {
      var c = s.center[String(r.center_id)];
      if (street && !(c && String(c.street_id) === street)) { return false; }
      if (center && String(r.center_id) !== center) { return false; }
      var team = ids(r.staff_ids);
      if (who && team.indexOf(who) < 0) { return false; }
      if (d && !team.some(function (x) { return s.staff[x] && s.staff[x].discipline === d; })) {
        return false;
      }
      return true;
    });
  }

  function topicOf(r) {
    var s = state.tables;
    if (r.topic_id) { return nameOf(s.topic, String(r.topic_id)); }
    return r.event_id ? nameOf(s.event, String(r.event_id)) : '';
  }

  function eventOf(r, i) {
    var s = state.tables;
    var district = !r.center_id;
    var title = district ? T.t('district_event') + '：' + nameOf(s.event, String(r.event_id)) :
      nameOf(s.center, String(r.center_id)) + (r.topic_id ? ' · ' + topicOf(r) : '');
    var ev = {id: 's' + i, title: title, row: r,
      classNames: [district ? 'district-event' : 'center-session']};
    if (district) { ev.display = 'block'; ev.backgroundColor = '#b42318'; ev.borderColor = '#b42318'; }
    if (r.start) {
      ev.start = r.date + 'T' + r.start;
      if (r.end) { ev.end = r.date + 'T' + r.end; }
    } else {
      ev.start = r.date;
      ev.allDay = true;
    }
    return ev;
  }

  function render() {
    if (!state) { return; }
    var rows = filtered();
    var events = rows.map(eventOf);
    document.getElementById('filter-count').textContent =
      T.t('sessions_shown', {n: rows.length, m: state.rows.length});
    var first = rows.length ? rows.map(function (r) { return r.date; }).sort()[0] :
      state.year + '-01-01';
    view = MV.showIn(document.getElementById('month'), view, state.job.id,
      {events: events, initialDate: first, onClick: detail}, state.marks);
    lists(rows);
    downloads();
  }

  /* The session's card: team, topic, why it is there, what a change would break. */
  function detail(r) {
    var s = state.tables;
    var box = document.getElementById('session-detail');
    box.innerHTML = '';
    box.hidden = false;
    var head = r.center_id ? label(String(r.center_id)) :
      T.t('district_event') + '：' + nameOf(s.event, String(r.event_id));
    box.appendChild(T.el('b', {text: head}));
    box.appendChild(T.el('div', {text: r.date + ' ' + weekday(r.date) +
      (r.start ? ' ' + r.start + '–' + (r.end || '') : '')}));
    if (topicOf(r)) { box.appendChild(T.el('div', {text: T.t('topic') + colon() + topicOf(r)})); }
    var ev = r.center_id ? null : s.event[String(r.event_id)];
    if (ev && ev.place) { box.appendChild(T.el('div', {text: T.t('place') + colon() + ev.place})); }
    var team = ids(r.staff_ids).map(function (x) {
      var p = s.staff[x];
      return (p ? p.name : x) + (p && p.discipline ? (T.lang() === 'en' ? ' (' + disc(p.discipline) +
        ')' : '（' + disc(p.discipline) + '）') : '');
    });
    box.appendChild(T.el('div', {'class': 'team', text: T.t('team') + colon() + team.join(comma())}));
    var why = T.el('ul', {'class': 'why'});
    reasons(r).forEach(function (line) { why.appendChild(T.el('li', {text: line})); });
    box.appendChild(why);
    var btn = T.el('button', {type: 'button', id: 'replan-from-session',
      text: T.t('replan_from_day', {d: r.date})});
    btn.addEventListener('click', function () {
      document.getElementById('replan-date').value = r.date;
      replan(r.date);
    });
    box.appendChild(btn);
  }

  function weekday(iso) {
    var d = new Date(iso + 'T00:00:00Z');
    return T.t('weekdays').split(',')[d.getUTCDay()] || '';
  }

  function reasons(r) {
    var s = state.tables, out = [];
    var mark = null;
    (state.marks || []).forEach(function (m) { if (m.date === r.date) { mark = m; } });
    if (r.center_id) {
      var c = s.center[String(r.center_id)] || {};
      var all = state.rows.filter(function (x) { return String(x.center_id) === String(r.center_id); })
        .map(function (x) { return x.date + ' ' + (x.start || ''); }).sort();
      var k = all.indexOf(r.date + ' ' + (r.start || '')) + 1;
      var need = Number(c.sessions_per_year) || (c.kind === 'baby_center' ? 6 : 0);
      out.push(T.t('why_nth', {k: k, n: all.length}) +
        (need ? T.t('why_need', {need: need}) : ''));
      if (need && all.length <= need) { out.push(T.t('break_below', {need: need})); }
    } else {
      var e = s.event[String(r.event_id)] || {};
      var times = state.rows.filter(function (x) { return String(x.event_id) === String(r.event_id); });
      out.push(T.t('why_event', {k: times.length, n: Number(e.count) || times.length}));
    }
    var t = r.topic_id ? s.topic[String(r.topic_id)] : null;
    var needs = t ? ids(t.disciplines) : [];
    if (needs.length) {
      out.push(T.t('why_disciplines', {d: needs.map(disc).join(comma())}));
    }
    if (mark && mark.kind === 'workday') { out.push(T.t('why_workday')); }
    out.push(T.t('break_move'));
    return out;
  }

  function lists(rows) {
    var s = state.tables;
    rows = rows.slice().sort(function (a, b) {
      var ka = where(a) + ' ' + a.date + ' ' + a.start, kb = where(b) + ' ' + b.date + ' ' + b.start;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    T.fillTable(document.getElementById('by-center'), [
      {key: 'center', fmt: function (r) { return label(where(r)); }},
      {key: 'date'},
      {key: 'start', fmt: function (r) { return r.start + '–' + r.end; }},
      {key: 'topic', fmt: topicOf},
      {key: 'staff', fmt: function (r) {
        return ids(r.staff_ids).map(function (x) { return nameOf(s.staff, x); }).join('、');
      }}
    ], rows);
    var per = {};
    rows.forEach(function (r) {
      ids(r.staff_ids).forEach(function (x) { (per[x] = per[x] || []).push(r); });
    });
    var staff = Object.keys(per).sort().map(function (x) {
      return {id: x, rows: per[x].slice().sort(function (a, b) {
        return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
      })};
    });
    T.fillTable(document.getElementById('by-staff'), [
      {key: 'staff', fmt: function (x) { return nameOf(s.staff, x.id); }},
      {key: 'sessions_count', fmt: function (x) { return x.rows.length; }},
      {key: 'date', fmt: function (x) {
        return x.rows.map(function (r) {
          return r.date.slice(5) + ' ' + (r.center_id ? nameOf(s.center, String(r.center_id)) :
            nameOf(s.event, String(r.event_id)));
        }).join('；');
      }}
    ], staff);
  }

  function downloads() {
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

  function busy(on) {
    document.getElementById('calendar-btn').disabled = on;
    document.getElementById('replan-btn').disabled = on;
  }

  function make() {
    busy(true);
    var ds = document.getElementById('dataset').value;
    var year = Number(document.getElementById('year').value);
    return T.runJob('sessions', ds, {year: year, from_date: null}).then(function (job) {
      history.replaceState(null, '', '/calendar?job=' + encodeURIComponent(job.id));
      return load(job);
    }).catch(T.showError).then(function () { busy(false); });
  }

  function replan(from) {
    if (!state) { return null; }
    busy(true);
    T.showError(null);
    return api('/api/v1/jobs/' + encodeURIComponent(state.job.id) + '/replan',
      {method: 'POST', json: {from_date: from}})
      .then(function (job) { T.showJob(job); return T.finish(job.id); })
      .then(function (job) {
        history.replaceState(null, '', '/calendar?job=' + encodeURIComponent(job.id));
        return load(job);
      }).catch(T.showError).then(function () { busy(false); });
  }

  function clear() {
    state = null;
    loading++;
    document.getElementById('result').hidden = true;
    var r = document.getElementById('reasons');
    r.hidden = true;
    r.innerHTML = '';
    document.getElementById('job-status').hidden = true;
  }

  function showLatest(ds) {
    var year = Number(document.getElementById('year').value);
    return T.latestJob('sessions', ds, function (p) { return Number(p.year) === year; })
      .then(function (job) {
        if (document.getElementById('dataset').value !== ds) { return null; }
        if (job) { T.showJob(job); return load(job); }
        var note = document.getElementById('no-plan');
        note.textContent = T.t('no_calendar_plan', {y: year});
        note.hidden = false;
        return null;
      });
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
      return showLatest(ds);
    }).catch(T.showError);
  }

  ['street-filter', 'center-filter', 'discipline-filter', 'staff-filter'].forEach(function (id) {
    document.getElementById(id).addEventListener('change', function () {
      render();
      // one center: its year at a glance; one staff member: their month
      if (view && id === 'center-filter' && picked(id)) { view.changeView('multiMonthYear'); }
      if (view && id === 'staff-filter' && picked(id)) { view.changeView('dayGridMonth'); }
    });
  });
  document.getElementById('filter-form').addEventListener('submit', function (ev) {
    ev.preventDefault();  // filtering never leaves the page
  });
  document.getElementById('replan-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    replan(document.getElementById('replan-date').value);
  });
  document.getElementById('calendar-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    make();
  });
  document.getElementById('dataset').addEventListener('change', function () {
    history.replaceState(null, '', '/calendar?dataset=' +
      encodeURIComponent(document.getElementById('dataset').value));
    clear();
    T.showError(null);
    showLatest(document.getElementById('dataset').value).catch(T.showError);
  });
  T.onLang(function () { if (state) { fillFilters(); render(); } });
  T.setupChrome();
  start();
})();
