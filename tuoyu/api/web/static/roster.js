/* roster.html: the month's inspection roster as a month grid (filtered by inspector,
 * street and institution; each day's institutions and teams; holidays and 调休 working
 * days marked; an inspection clicked shows its team, reason and note), its draw record
 * and its verification. 双随机 inspections are unannounced: this page is the planners'
 * (the API serves a roster's rows to the roles that may read plans, as before). */
(function () {
  'use strict';
  var T = window.Tuoyu;
  var table = T.cachedTableRows;  // a dataset's table, asked once per page
  var ids = T.idList;
  var MV = window.TuoyuMonthView;
  var api = T.api;
  var state = null;  // {job, rows, draw, names, marks}
  var view = null;   // the month grid (month-view.js)

  /* The month's cycle (双随机、一公开): commit -> seed -> draw -> publish to the inspectors
   * (sealed) -> record results -> reveal. Its words live here, Chinese first. */
  var W = {
    zh: {
      seed_draft: '随机种子（仅草稿或测试；留空为正式抽取）',
      cycle_head: '本月进度：承诺 → 随机来源 → 抽取 → 发给检查人员（封存）→ 录入结果 → 公开',
      source: '随机来源', source_drand: 'drand 随机信标（承诺后约 10 分钟的一轮）',
      source_lottery: '彩票开奖号码（承诺之后的某一期）', lottery_name: '彩票名称',
      lottery_date: '开奖日期', commit_reason: '再次承诺的理由', commit: '承诺本月抽取的输入',
      drand_json: 'drand 轮次 JSON（从任一 drand 节点取得后粘贴）', numbers: '或彩票开奖号码',
      give_seed: '录入随机来源', reveal: '公开本月抽取记录（月份结束后）',
      announcement: '抽查公告', results: '抽查结果公示', revealed: '公开记录',
      publish: '发给检查人员（正式抽取即封存）', replan_reason: '理由（本月此前未录入结果时必填）',
      step_none: '尚未开始：先承诺本月抽取的输入。',
      step_committed: '已承诺，等待随机来源：承诺之后产生的 drand 轮次或彩票号码到来后录入。',
      step_seeded: '已取得随机来源：现在可以正式抽取（种子留空，点“生成排班”）。',
      step_drawn: '已抽取（草稿）：核对后发给检查人员。',
      step_published: '已发布，但不是正式抽取（种子由人给出），未封存。',
      step_sealed: '已封存并发给检查人员：公众只看到封存值；检查后录入结果，月份结束后公开。',
      step_revealed: '已公开：公开页可自行核验封存值和承诺值。',
      s_commit: '承诺', s_seed: '随机来源', s_draw: '抽取', s_publish: '发给检查人员（封存）',
      s_results: '录入结果', s_reveal: '公开', s_done: '已完成', s_next: '下一步',
      commitment_line: '第 {seq} 次承诺 {commitment}（{time}）{source}{reason}{seeded}',
      seeded: '；随机来源已核验', not_seeded: '；等待随机来源',
      sealed_line: '封存值：{hash}', month_done: '本月已结束。', month_open: '本月尚未结束。',
      bad_json: 'drand 轮次不是有效的 JSON：'
    },
    en: {
      seed_draft: 'Seed (drafts and tests only; empty for the official draw)',
      cycle_head: 'The month: commit → seed source → draw → to the inspectors (sealed) → results → reveal',
      source: 'Seed source', source_drand: 'drand beacon (the round ~10 minutes after committing)',
      source_lottery: 'lottery numbers (a draw after committing)', lottery_name: 'Lottery',
      lottery_date: 'Draw date', commit_reason: 'Reason for committing again',
      commit: 'Commit the month\'s inputs',
      drand_json: 'drand round JSON (fetched from any drand relay, pasted)',
      numbers: 'or the lottery numbers', give_seed: 'Give the seed source',
      reveal: 'Reveal the month\'s draw (once the month is over)',
      announcement: 'Announcement', results: 'Results notice', revealed: 'Revealed record',
      publish: 'Give to the inspectors (sealed when official)',
      replan_reason: 'Reason (needed when no outcome was recorded before)',
      step_none: 'Not started: commit the month\'s inputs first.',
      step_committed: 'Committed, waiting for the seed source (the drand round or lottery after the commitment).',
      step_seeded: 'Seeded: make the official draw now (leave the seed empty, “Make roster”).',
      step_drawn: 'Drawn (a draft): check it, then give it to the inspectors.',
      step_published: 'Published, but not an official draw (seed given by hand): not sealed.',
      step_sealed: 'Sealed and given to the inspectors: the public sees only its hash; record the results, reveal once the month is over.',
      step_revealed: 'Revealed: the public page checks the sealed hash and the commitment itself.',
      s_commit: 'commit', s_seed: 'seed source', s_draw: 'draw', s_publish: 'to the inspectors (sealed)',
      s_results: 'results', s_reveal: 'reveal', s_done: 'done', s_next: 'next',
      commitment_line: 'commitment {seq} {commitment} ({time}) {source}{reason}{seeded}',
      seeded: '; seed source checked', not_seeded: '; waiting for the seed source',
      sealed_line: 'sealed hash: {hash}', month_done: 'The month is over.',
      month_open: 'The month is not over yet.', bad_json: 'The drand round is not JSON: '
    }
  };
  var STEPS = ['commit', 'seed', 'draw', 'publish', 'results', 'reveal'];

  // Which steps the month has done, each by its own fact: a draft drawn before any
  // commitment has done its draw, not its commitment (the list once said it had).
  function stepsDone(m) {
    var step = m.step || 'none';
    var commitments = m.commitments || [];
    var past = function (states) { return states.indexOf(step) >= 0; };
    return {
      commit: commitments.length > 0,
      seed: commitments.some(function (c) { return c.seeded; }),
      draw: past(['drawn', 'published', 'sealed', 'revealed']),
      publish: past(['published', 'sealed', 'revealed']),
      results: step === 'revealed',
      reveal: step === 'revealed'
    };
  }

  function w(key, vars) {
    var d = W[T.lang() === 'en' ? 'en' : 'zh'];
    var s = d[key] !== undefined ? d[key] : key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(vars[k]); });
    return s;
  }

  function wordsOnPage() {
    document.querySelectorAll('[data-cycle]').forEach(function (el) {
      el.textContent = w(el.getAttribute('data-cycle'));
    });
  }

  function monthBase() {
    var ds = document.getElementById('dataset').value;
    var month = document.getElementById('month').value;
    if (!ds || !month) { return null; }
    return '/api/v1/datasets/' + encodeURIComponent(ds) + '/rosters/' + encodeURIComponent(month);
  }

  function sourceWords(src) {
    if (!src) { return ''; }
    if (src.kind === 'drand') { return 'drand #' + src.round + ' (' + T.fmtTime(src.round_time) + ')'; }
    return (src.name || '') + ' ' + (src.date || '');
  }

  var cycle = null;  // the month's state as the service says it

  function showCycle(m) {
    cycle = m;
    var step = m.step || 'none';
    var line = document.getElementById('cycle-state');
    line.setAttribute('data-step', step);
    line.textContent = m.month + '：' + w('step_' + step) + ' ' +
      w(m.month_done ? 'month_done' : 'month_open') +
      (m.sealed_hash ? ' ' + w('sealed_line', {hash: m.sealed_hash}) : '');
    var done = stepsDone(m);
    var next = STEPS.filter(function (s) { return !done[s]; })[0];
    var ol = document.getElementById('cycle-steps');
    ol.innerHTML = '';
    STEPS.forEach(function (s) {
      var state = done[s] ? 'done' : s === next ? 'current' : 'todo';
      ol.appendChild(T.el('li', {'class': state, 'data-step': s,
        text: w('s_' + s) + (state === 'todo' ? '' : '：' + w(state === 'done' ? 's_done' : 's_next'))}));
    });
    var cl = document.getElementById('commitments');
    cl.innerHTML = '';
    (m.commitments || []).forEach(function (c) {
      cl.appendChild(T.el('li', {text: w('commitment_line', {seq: c.seq,
        commitment: c.commitment, time: T.fmtTime(c.created_at), source: sourceWords(c.source),
        reason: c.reason ? '：' + c.reason : '', seeded: w(c.seeded ? 'seeded' : 'not_seeded')})}));
    });
    document.getElementById('seed-btn').disabled = step !== 'committed';
    document.getElementById('reveal-btn').disabled = !(m.month_done &&
      (step === 'sealed' || step === 'published'));
    var base = monthBase();
    ['announcement', 'results', 'revealed'].forEach(function (k) {
      var a = document.getElementById(k + '-link');
      a.href = base + '/notice?kind=' + k + '&lang=' + T.lang();
      a.hidden = k === 'revealed' && step !== 'revealed';
    });
    return m;
  }

  function refreshCycle() {
    var base = monthBase();
    if (!base) { return Promise.resolve(null); }
    return api(base).then(showCycle).catch(T.showError);
  }

  function cycleStep(path, body) {
    var base = monthBase();
    if (!base) { return; }
    T.showError(null);
    api(base + path, {method: 'POST', json: body}).then(showCycle, T.showError);
  }

  function commitMonth(ev) {
    ev.preventDefault();
    var body = {source: document.getElementById('commit-source').value};
    if (body.source === 'lottery') {
      body.lottery_name = document.getElementById('lottery-name').value;
      body.lottery_date = document.getElementById('lottery-date').value || null;
    }
    var why = document.getElementById('commit-reason').value.trim();
    if (why) { body.reason = why; }
    cycleStep('/commit', body);
  }

  function seedMonth(ev) {
    ev.preventDefault();
    var text = document.getElementById('drand-json').value.trim();
    if (text) {
      var round;
      try { round = JSON.parse(text); } catch (e) {
        T.showError(new Error(w('bad_json') + e.message));
        return;
      }
      cycleStep('/seed', {drand: round});
      return;
    }
    cycleStep('/seed', {numbers: document.getElementById('lottery-numbers').value});
  }

  function revealMonth() { cycleStep('/reveal', {}); }

  function recordOutcomes(ev) {
    ev.preventDefault();
    var ds = document.getElementById('dataset').value;
    var file = document.getElementById('outcomes-file').files[0];
    if (!ds || !file) { return; }
    var form = new FormData();
    form.append('file', file);
    api('/api/v1/datasets/' + encodeURIComponent(ds) + '/outcomes', {method: 'POST', form: form})
      .then(function (r) {
        document.getElementById('outcomes-result').textContent = T.t('recorded', {n: r.recorded});
        return refreshCycle();
      }, T.showError);
  }

  function load(job, ticket) {
    var ds = job.dataset_id;
    if (ticket === undefined) { clearRoster(); ticket = shown; }
    return Promise.all([
      api(T.resultUrl(job.id)),
      api(T.fileUrl(job.id, 'draw.json')).catch(function () { return null; }),
      table(ds, 'institutions'), table(ds, 'inspectors'), table(ds, 'streets'),
      MV.workCalendar(ds, Number(String((job.params || {}).month || '').slice(0, 4)))
    ]).then(function (r) {
      if (ticket !== shown) { return; }  // another dataset or month was chosen meanwhile
      T.showJob(job);
      var names = {inst: {}, insp: {}, street: {}};
      r[2].forEach(function (x) { names.inst[x.institution_id] = x.name; });
      r[3].forEach(function (x) { names.insp[x.inspector_id] = x.name; });
      r[4].forEach(function (x) { names.street[String(x.street_id)] = x.name; });
      state = {job: job, result: r[0], rows: r[0].rows || [], draw: r[1], names: names,
        marks: r[5] || []};
      fillFilters();
      document.getElementById('inspection-detail').hidden = true;
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

  /* No roster on screen: none of another dataset or month left under this one's cycle
   * (its publish button would send that roster while the page names this district). */
  var shown = 0;

  function clearRoster() {
    shown++;
    state = null;
    document.getElementById('result').hidden = true;
    document.getElementById('job-status').hidden = true;
    document.getElementById('inspection-detail').hidden = true;
    T.clearReasons();
  }

  /* The month's cycle and the dataset's newest roster of that month, if any (opening the
   * page or choosing another dataset or month draws nothing by itself); a reader the
   * roster is sealed from sees the cycle alone. */
  function showLatest() {
    clearRoster();
    var mine = shown;
    var ds = document.getElementById('dataset').value;
    var month = document.getElementById('month').value;
    return T.latestJob('roster', ds, function (p) { return p.month === month; })
      .catch(function () { return null; })
      .then(function (job) {
        if (mine !== shown) { return null; }
        if (!job) { return refreshCycle(); }
        return load(job, mine).catch(function () {
          if (mine === shown) { clearRoster(); }
          return refreshCycle();
        });
      });
  }

  function label(map, id) { return map[id] ? map[id] + '（' + id + '）' : id; }

  function reasonText(r) {
    var k = 'reason_' + r;
    var s = T.t(k);
    return s === k ? r : s;
  }


  function teamOf(r) {
    var n = state.names;
    return ids(r.inspector_ids).map(function (i) { return n.insp[i] || i; }).join('、');
  }

  function options(id, pairs) {
    var sel = document.getElementById(id);
    var keep = sel.value;
    sel.innerHTML = '';
    sel.appendChild(T.el('option', {value: '', text: T.t('all')}));
    pairs.sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; })
      .forEach(function (p) { sel.appendChild(T.el('option', {value: p[0], text: p[1]})); });
    sel.value = pairs.some(function (p) { return p[0] === keep; }) ? keep : '';
  }

  /* Only what the roster holds: its inspectors, streets and institutions. */
  function fillFilters() {
    var n = state.names, insp = {}, streets = {}, inst = {};
    state.rows.forEach(function (r) {
      ids(r.inspector_ids).forEach(function (i) { insp[i] = true; });
      streets[String(r.street_id)] = true;
      inst[String(r.institution_id)] = true;
    });
    options('inspector-filter', Object.keys(insp).map(function (k) { return [k, n.insp[k] || k]; }));
    options('street-filter', Object.keys(streets).map(function (k) { return [k, n.street[k] || k]; }));
    options('institution-filter', Object.keys(inst).map(function (k) { return [k, n.inst[k] || k]; }));
  }

  function picked(id) { return document.getElementById(id).value; }

  function filtered() {
    var who = picked('inspector-filter'), street = picked('street-filter');
    var inst = picked('institution-filter');
    return state.rows.filter(function (r) {
      if (who && ids(r.inspector_ids).indexOf(who) < 0) { return false; }
      if (street && String(r.street_id) !== street) { return false; }
      return !(inst && String(r.institution_id) !== inst);
    });
  }

  /* An inspection on the grid: the institution and its team (the day's teams at a glance). */
  function eventOf(r, i) {
    var n = state.names;
    var ev = {id: 'i' + i, start: r.date, allDay: true, row: r,
      title: (n.inst[r.institution_id] || r.institution_id) + ' · ' + teamOf(r),
      classNames: ['inspection', 'reason-' + String(r.reason || '')]};
    if (r.reason === 'follow_up') {
      ev.backgroundColor = '#b54708';
      ev.borderColor = '#b54708';
      ev.classNames.push('follow-up');
    }
    return ev;
  }

  function monthGrid() {
    var rows = filtered();
    var events = rows.map(eventOf);
    document.getElementById('filter-count').textContent =
      T.t('inspections_shown', {n: rows.length, m: state.rows.length});
    var month = (state.job.params || {}).month || (rows[0] ? rows[0].date.slice(0, 7) : '');
    view = MV.showIn(document.getElementById('roster-month'), view, state.job.id,
      {events: events, initialDate: month ? month + '-01' : undefined, onClick: detail,
        dayMaxEvents: false, views: 'dayGridMonth,listMonth'}, state.marks);
  }

  function weekday(iso) {
    var d = new Date(iso + 'T00:00:00Z');
    return T.t('weekdays').split(',')[d.getUTCDay()] || '';
  }

  /* The inspection clicked: institution, street, day, team, why it is there, note. */
  function detail(r) {
    var n = state.names;
    var box = document.getElementById('inspection-detail');
    var colon = T.lang() === 'en' ? ': ' : '：';
    box.innerHTML = '';
    box.hidden = false;
    box.appendChild(T.el('b', {text: label(n.inst, r.institution_id)}));
    box.appendChild(T.el('div', {text: r.date + ' ' + weekday(r.date)}));
    box.appendChild(T.el('div', {text: T.t('street') + colon +
      (n.street[String(r.street_id)] || r.street_id)}));
    box.appendChild(T.el('div', {'class': 'team', text: T.t('inspectors') + colon + teamOf(r)}));
    box.appendChild(T.el('div', {text: T.t('reason') + colon + reasonText(r.reason)}));
    if (r.note) { box.appendChild(T.el('div', {text: T.t('note') + colon + r.note})); }
    var same = state.rows.filter(function (x) { return x.date === r.date; });
    box.appendChild(T.el('div', {text: T.t('day_teams', {n: same.length})}));
    var ul = T.el('ul', {'class': 'day-teams'});
    same.forEach(function (x) {
      ul.appendChild(T.el('li', {text: (n.inst[x.institution_id] || x.institution_id) + colon +
        teamOf(x)}));
    });
    box.appendChild(ul);
  }

  function render() {
    if (!state) { return; }
    var n = state.names;
    document.getElementById('result').hidden = false;
    monthGrid();
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
          time: T.fmtTime(d.time), state: T.t('state_' + d.status),
          reason: d.reason ? '：' + d.reason : ''})}));
      });
      document.getElementById('publish-btn').disabled = !!(m.published && mine);
      if (m.step) { showCycle(m); }
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
      {method: 'POST', json: replanBody(from)}).then(function (job) {
      T.showJob(job);
      return T.finish(job.id);
    }).then(function (job) {
      history.replaceState(null, '', '/roster?job=' + encodeURIComponent(job.id));
      return load(job);
    }).catch(T.showError).then(function () { busy(false); });
  }

  function replanBody(from) {
    var body = {from_date: from};
    var why = document.getElementById('replan-reason').value.trim();
    if (why) { body.redraw_reason = why; }
    return body;
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
    }).catch(function (e) { T.showError(e); return refreshCycle(); })
      .then(function () { busy(false); });
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
      if (!jobId) { return showLatest(); }
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
  ['inspector-filter', 'street-filter', 'institution-filter'].forEach(function (id) {
    document.getElementById(id).addEventListener('change', function () {
      if (state) { monthGrid(); }
    });
  });
  document.getElementById('roster-filter').addEventListener('submit', function (ev) {
    ev.preventDefault();  // filtering never leaves the page
  });
  document.getElementById('verify-btn').addEventListener('click', verify);
  document.getElementById('publish-btn').addEventListener('click', publish);
  document.getElementById('replan-form').addEventListener('submit', replanMonth);
  document.getElementById('commit-form').addEventListener('submit', commitMonth);
  document.getElementById('seed-form').addEventListener('submit', seedMonth);
  document.getElementById('outcomes-form').addEventListener('submit', recordOutcomes);
  document.getElementById('reveal-btn').addEventListener('click', revealMonth);
  document.getElementById('month').addEventListener('change', showLatest);
  document.getElementById('dataset').addEventListener('change', showLatest);
  T.onLang(function () { if (state) { fillFilters(); render(); } });
  T.onLang(function () { wordsOnPage(); if (cycle) { showCycle(cycle); } });
  wordsOnPage();
  T.setupChrome();
  start();
})();
