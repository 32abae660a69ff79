/* tuoyu web pages: shared helpers (i18n, API calls with an optional token, jobs, tables).
 * No framework, no CDN: everything the pages need is served by the app under /static. */
(function () {
  'use strict';

  var DICT = {
    zh: {
      app_name: '宝山区托育规划',
      nav_home: '首页', nav_map: '选址地图', nav_roster: '月度检查排班', nav_calendar: '年度指导活动日历',
      lang_switch: 'English',
      title_index: '宝山区托育规划 · 首页', title_map: '公办托班选址地图',
      title_roster: '月度检查排班（双随机）', title_calendar: '年度指导活动日历',
      intro: '区托育服务指导中心的规划工具：月度双随机检查排班、年度指导活动日历、公办托班选址。',
      token: '访问令牌（可选）', save: '保存', token_saved: '令牌已保存在本浏览器。',
      token_cleared: '已清除令牌。',
      datasets: '数据集', recent_jobs: '最近的规划任务', none: '暂无',
      id: '编号', name: '名称', tables: '数据表', created_at: '创建时间', kind: '类型',
      dataset: '数据集', status: '状态', open: '打开', message: '说明',
      kind_roster: '检查排班', kind_sessions: '活动日历', kind_siting: '托班选址',
      st_queued: '排队中', st_running: '求解中', st_done: '已完成', st_infeasible: '无可行方案',
      st_failed: '失败', st_cancelled: '已取消', st_interrupted: '已中断',
      job: '任务', seconds: '秒', objective: '目标值', bound: '界',
      cancel: '取消', submitting: '正在提交任务…', loading: '正在加载…',
      coverage_year: '{y}年各街镇覆盖情况', total: '合计',
      new_in: '{y}年新增托班', walk_line: '15分钟步行范围（直线距离近似）',
      redraw_reason: '重新抽取的理由（已发布的月份必填）', official: '正式抽取（一公开）',
      publish: '发布本次抽取', notice: '公示（可打印）', notice_xlsx: '公示（Excel）',
      month_published: '{month} 已发布。', month_draft: '{month} 尚未发布（草稿）。',
      in_force: '现行抽取：种子 {seed}', this_draw: '（即本次）',
      draw_line: '种子 {seed}，{time}，{state}{reason}', state_draft: '草稿',
      state_published: '已发布', state_superseded: '已被替代的草稿', state_withdrawn: '已撤回',
      replan_from: '从此日起重新安排', replan_roster: '重新安排本月余下检查',
      replan_calendar: '从此日起重新安排日历',
      pin: '固定选入', forbid: '排除', pinned_item: '固定：{id}', forbidden_item: '排除：{id}',
      remove: '移除', tradeoff: '取舍曲线', tradeoff_range: '取舍曲线（每年班数范围，可选）',
      tradeoff_legend: '实线：服务儿童数；虚线：15分钟范围内儿童数（规划末年）',
      children_served: '服务 {n} 名儿童，来自 {m} 个居委', avg_walk: '平均步行约 {m} 米',
      best_alternative: '未选中的最佳备选：{name}（本址多服务 {gain} 名）',
      walk_network: '15分钟步行圈（按路网）', walk_mixed: '15分钟步行范围（部分按路网，其余直线近似）',
      upload_dataset: '上传数据集', upload_file: '文件（.zip 或 .xlsx）', upload: '上传',
      uploaded: '已上传：{name}（{id}）', record_outcomes: '录入检查结果', record: '录入',
      outcomes_file: '结果表（.csv 或 .xlsx：机构编号、日期、结果、检查人员）', recorded: '已录入 {n} 条检查结果。',
      reasons: '方案依据', targets_h: '目标完成情况', soft_goals_h: '软目标的代价（取舍）',
      findings_h: '说明与提醒', goal: '目标', achieved: '达成', met: '达标', not_met: '未达标',
      gap: '差距', stage: '阶段', cost: '代价', value: '偏离量', weight: '权重',
      error: '出错了', error_label: '出错了：', downloads_label: '下载：', clashes: '冲突的规则',
      // map
      years: '规划年份', classes_per_year: '每年新增班数', replan: '重新规划',
      show_year: '居委着色年份', coverage_by_street: '各街镇覆盖情况',
      street: '街镇', year: '年份', before: '规划前服务人数', after: '规划后服务人数', demand: '需求托位',
      served: '已服务', unmet: '未满足', new_classes: '新增班数', served_before: '规划前服务',
      served_after: '规划后服务', communities: '居委数',
      within_15_min_before: '规划前15分钟内有托位的居委', within_15_min_after: '规划后15分钟内有托位的居委', reach_before: '规划前15分钟覆盖率', reach_after: '规划后15分钟覆盖率',
      layer_streets: '街镇边界', layer_communities: '居委（按未满足需求着色）',
      layer_providers: '现有托育机构', layer_kindergartens: '幼儿园（含托班）',
      layer_year: '{y}年新增托班及15分钟步行范围（直线距离近似）', basemap: '在线底图',
      legend_unmet: '未满足需求', legend_met: '已满足',
      new_in_year: '{y}年新增 {c} 个班，{s} 个托位', seats: '托位', inclusive: '普惠',
      openings: '新增托班', summary: '方案摘要', plan_served: '{y}年：服务 {s} / 需求 {d}',
      // roster
      month: '月份', seed: '随机种子', make_roster: '生成排班', by_day: '按日期',
      by_inspector: '按检查人员', date: '日期', institution: '机构', inspectors: '检查人员',
      reason: '原因', note: '备注', inspector: '检查人员', visits: '检查次数',
      draw_record: '抽取记录', fingerprint: '数据指纹', result_fingerprint: '结果指纹',
      drawn: '随机抽中的机构', solver_status: '求解状态', unique_optimum: '最优解唯一',
      yes: '是', no: '否', downloads: '下载', verify: '复核抽取', verify_ok: '复核一致：重新计算得到相同的排班。',
      verify_bad: '复核不一致：', reason_coverage: '年度覆盖', reason_drawn: '随机抽取',
      reason_follow_up: '整改复查', reason_high_risk: '高风险',
      // calendar
      plan_year: '年份', make_calendar: '生成日历', by_center: '按活动点',
      by_staff: '按指导人员', center: '活动点', start: '开始', end: '结束', topic: '主题',
      staff: '人员', event: '活动', sessions_count: '场次', ics_files: '日历文件（ICS）',
      filter: '筛选'
    },
    en: {
      app_name: 'Baoshan childcare planning',
      nav_home: 'Home', nav_map: 'Siting map', nav_roster: 'Monthly roster',
      nav_calendar: 'Session calendar', lang_switch: '中文',
      title_index: 'Baoshan childcare planning', title_map: 'Siting of public nursery classes',
      title_roster: 'Monthly inspection roster', title_calendar: 'Yearly guidance-session calendar',
      intro: 'Planning tools of the district childcare office: monthly inspection rosters, ' +
        'the yearly guidance-session calendar, siting of public nursery classes.',
      token: 'Access token (optional)', save: 'Save', token_saved: 'Token saved in this browser.',
      token_cleared: 'Token cleared.',
      datasets: 'Datasets', recent_jobs: 'Recent jobs', none: 'None yet',
      id: 'ID', name: 'Name', tables: 'Tables', created_at: 'Created', kind: 'Kind',
      dataset: 'Dataset', status: 'Status', open: 'Open', message: 'Message',
      kind_roster: 'Roster', kind_sessions: 'Calendar', kind_siting: 'Siting',
      st_queued: 'queued', st_running: 'running', st_done: 'done', st_infeasible: 'infeasible',
      st_failed: 'failed', st_cancelled: 'cancelled', st_interrupted: 'interrupted',
      job: 'Job', seconds: 's', objective: 'objective', bound: 'bound',
      cancel: 'Cancel', submitting: 'Submitting the job…', loading: 'Loading…',
      error: 'Error', error_label: 'Error: ', downloads_label: 'Downloads: ',
      coverage_year: 'Coverage by street in {y}', total: 'Total',
      new_in: 'New classes {y}', walk_line: '15-minute walk (straight-line stand-in)',
      redraw_reason: 'Reason for a redraw (needed once the month is published)',
      official: 'The official draw (made public)', publish: 'Publish this draw',
      notice: 'Public notice (printable)', notice_xlsx: 'Public notice (Excel)',
      month_published: '{month} is published.', month_draft: '{month} is not published (draft).',
      in_force: 'in force: seed {seed}', this_draw: ' (this one)',
      draw_line: 'seed {seed}, {time}, {state}{reason}', state_draft: 'draft',
      state_published: 'published', state_superseded: 'superseded draft', state_withdrawn: 'withdrawn',
      replan_from: 'Re-plan from', replan_roster: 'Re-plan the rest of the month',
      replan_calendar: 'Re-plan the calendar from this date',
      pin: 'Pin', forbid: 'Forbid', pinned_item: 'pinned: {id}', forbidden_item: 'forbidden: {id}',
      remove: 'remove', tradeoff: 'Trade-off', tradeoff_range: 'Trade-off (classes a year, optional)',
      tradeoff_legend: 'solid: children served; dashed: children within 15 minutes (last year)',
      children_served: 'serves {n} children from {m} communities', avg_walk: 'average walk about {m} m',
      best_alternative: 'best place not chosen: {name} (this one serves {gain} more)',
      walk_network: '15-minute walk (on the network)', walk_mixed: '15-minute walk (partly on the network, the rest a straight-line stand-in)',
      upload_dataset: 'Upload a dataset', upload_file: 'File (.zip or .xlsx)', upload: 'Upload',
      uploaded: 'Uploaded: {name} ({id})', record_outcomes: 'Record inspection outcomes', record: 'Record',
      outcomes_file: 'Outcomes (.csv or .xlsx: institution_id, date, outcome, inspector_ids)', recorded: '{n} outcomes recorded.',
      reasons: 'Why this plan', targets_h: 'Targets', soft_goals_h: 'Soft goals and what they cost',
      findings_h: 'Notes', goal: 'goal', achieved: 'achieved', met: 'met', not_met: 'not met',
      gap: 'gap', stage: 'stage', cost: 'cost', value: 'value', weight: 'weight',
      clashes: 'Clashing rules',
      years: 'Years', classes_per_year: 'Classes per year', replan: 'Re-plan',
      show_year: 'Colour communities for', coverage_by_street: 'Coverage by street',
      street: 'Street', year: 'Year', before: 'Served before', after: 'Served after', demand: 'Demand',
      served: 'Served', unmet: 'Unmet', new_classes: 'New classes', served_before: 'Served before',
      served_after: 'Served after', communities: 'Communities',
      within_15_min_before: 'Communities within 15 min before',
      within_15_min_after: 'Communities within 15 min after', reach_before: '15-min reach before',
      reach_after: '15-min reach after',
      layer_streets: 'Street boundaries', layer_communities: 'Communities (by unmet demand)',
      layer_providers: 'Existing childcare places', layer_kindergartens: 'Kindergartens (nursery)',
      layer_year: 'New classes {y} and 15-minute walk (straight-line stand-in)', basemap: 'Online basemap',
      legend_unmet: 'unmet demand', legend_met: 'met',
      new_in_year: '{y}: {c} new classes, {s} places', seats: 'places', inclusive: 'inclusive',
      openings: 'New classes', summary: 'Plan summary', plan_served: '{y}: served {s} of {d}',
      month: 'Month', seed: 'Seed', make_roster: 'Make roster', by_day: 'By day',
      by_inspector: 'By inspector', date: 'Date', institution: 'Institution',
      inspectors: 'Inspectors', reason: 'Reason', note: 'Note', inspector: 'Inspector',
      visits: 'Visits', draw_record: 'Draw record', fingerprint: 'Input fingerprint',
      result_fingerprint: 'Result fingerprint', drawn: 'Drawn institutions',
      solver_status: 'Solver status', unique_optimum: 'Unique optimum', yes: 'yes', no: 'no',
      downloads: 'Downloads', verify: 'Verify the draw',
      verify_ok: 'Verified: recomputing gives the same roster.', verify_bad: 'Does not match: ',
      reason_coverage: 'yearly coverage', reason_drawn: 'drawn at random',
      reason_follow_up: 'follow-up', reason_high_risk: 'high risk',
      plan_year: 'Year', make_calendar: 'Make calendar', by_center: 'By center',
      by_staff: 'By staff member', center: 'Center', start: 'Start', end: 'End', topic: 'Topic',
      staff: 'Staff', event: 'Event', sessions_count: 'Sessions', ics_files: 'Calendar files (ICS)',
      filter: 'Filter'
    }
  };

  var LANG_KEY = 'tuoyu_lang';
  var TOKEN_KEY = 'tuoyu_token';
  var listeners = [];

  function lang() {
    var l = null;
    try { l = localStorage.getItem(LANG_KEY); } catch (e) { l = null; }
    return l === 'en' ? 'en' : 'zh';
  }

  function t(key, vars) {
    var s = DICT[lang()][key];
    if (s === undefined) { s = DICT.zh[key] !== undefined ? DICT.zh[key] : key; }
    if (vars) {
      Object.keys(vars).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    }
    return s;
  }

  function applyLang() {
    var l = lang();
    document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
    document.querySelectorAll('[data-i18n]').forEach(function (el) {
      el.textContent = t(el.getAttribute('data-i18n'));
    });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (el) {
      el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder')));
    });
    listeners.forEach(function (fn) { fn(l); });
  }

  function setLang(l) {
    try { localStorage.setItem(LANG_KEY, l); } catch (e) { /* private mode: not kept */ }
    applyLang();
  }

  function onLang(fn) { listeners.push(fn); }

  function token() {
    try { return localStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  }

  function setToken(v) {
    try {
      if (v) { localStorage.setItem(TOKEN_KEY, v); } else { localStorage.removeItem(TOKEN_KEY); }
    } catch (e) { /* ignore */ }
  }

  function ApiError(status, body) {
    var msg = (body && body.message) || ('HTTP ' + status);
    var err = new Error(msg);
    err.status = status;
    err.body = body || {};
    return err;
  }

  /* fetch with the token; returns parsed JSON, text or a Blob (opts.as = 'json'|'text'|'blob'). */
  function api(path, opts) {
    opts = opts || {};
    var headers = {'Accept-Language': lang() === 'en' ? 'en' : 'zh-CN'};  // replies in the page's language
    var tok = token();
    if (tok) { headers.Authorization = 'Bearer ' + tok; }
    var init = {method: opts.method || 'GET', headers: headers};
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(opts.json);
    } else if (opts.form !== undefined) {
      init.body = opts.form;  // FormData: the browser sets the multipart boundary
    }
    return fetch(path, init).then(function (r) {
      if (!r.ok) {
        return r.text().then(function (txt) {
          var body = null;
          try { body = JSON.parse(txt); } catch (e) { body = {message: txt || r.statusText}; }
          throw ApiError(r.status, body);
        });
      }
      var as = opts.as || 'json';
      if (as === 'text') { return r.text(); }
      if (as === 'blob') { return r.blob(); }
      return r.json();
    });
  }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }

  function showError(err) {
    var box = document.getElementById('error');
    if (!box) { return; }
    box.innerHTML = '';
    if (!err) { box.hidden = true; return; }
    box.hidden = false;
    box.appendChild(el('strong', {text: t('error_label')}));
    box.appendChild(document.createTextNode(err.message || String(err)));
    var b = err.body || {};
    var items = (b.clashes || []).map(function (c) {
      return typeof c === 'string' ? c : (c.message || c.code);
    }).concat((b.problems || []).map(function (p) {
      if (p.text) { return p.text; }
      return [p.file, p.row, p.column, p.message].filter(function (x) {
        return x !== undefined && x !== null && x !== '';
      }).join(' · ');
    }));
    if (b.problem_count && b.problems && b.problem_count > b.problems.length) {
      items.push('… ' + (b.problem_count - b.problems.length));
    }
    if (items.length) {
      var ul = el('ul');
      items.forEach(function (c) { ul.appendChild(el('li', {text: c})); });
      box.appendChild(ul);
    }
  }

  /* Render rows into a <table>: cols = [{key, label (i18n key), fmt(row) -> string|Node}] */
  function fillTable(table, cols, rows) {
    var thead = table.querySelector('thead') || table.appendChild(el('thead'));
    var tbody = table.querySelector('tbody') || table.appendChild(el('tbody'));
    thead.innerHTML = '';
    tbody.innerHTML = '';
    var tr = el('tr');
    cols.forEach(function (c) { tr.appendChild(el('th', {text: t(c.label || c.key)})); });
    thead.appendChild(tr);
    rows.forEach(function (r) {
      var row = el('tr');
      cols.forEach(function (c) {
        var v = c.fmt ? c.fmt(r) : r[c.key];
        var td = el('td');
        if (v instanceof Node) { td.appendChild(v); } else {
          td.textContent = v === null || v === undefined ? '' : String(v);
        }
        row.appendChild(td);
      });
      tbody.appendChild(row);
    });
  }

  /* A small CSV parser (quotes, commas and newlines in quotes, a BOM). */
  function parseCsv(text) {
    if (text.charCodeAt(0) === 0xfeff) { text = text.slice(1); }
    var rows = [], row = [], cur = '', q = false, i = 0;
    for (; i < text.length; i++) {
      var ch = text[i];
      if (q) {
        if (ch === '"') {
          if (text[i + 1] === '"') { cur += '"'; i++; } else { q = false; }
        } else { cur += ch; }
      } else if (ch === '"') { q = true; } else if (ch === ',') { row.push(cur); cur = ''; }
      else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && text[i + 1] === '\n') { i++; }
        row.push(cur); rows.push(row); row = []; cur = '';
      } else { cur += ch; }
    }
    if (cur !== '' || row.length) { row.push(cur); rows.push(row); }
    if (!rows.length) { return []; }
    var head = rows[0];
    return rows.slice(1).filter(function (r) { return r.length > 1 || r[0] !== ''; })
      .map(function (r) {
        var o = {};
        head.forEach(function (h, k) { o[h] = r[k] === undefined ? '' : r[k]; });
        return o;
      });
  }

  function statusText(s) { return t('st_' + s); }

  function param(name) { return new URLSearchParams(window.location.search).get(name); }

  /* Fill a <select> with the datasets; resolves with the chosen id. */
  function loadDatasets(select) {
    return api('/api/v1/datasets').then(function (list) {
      var want = param('dataset') || select.value || 'baoshan';
      select.innerHTML = '';
      list.forEach(function (d) {
        select.appendChild(el('option', {value: d.id, text: d.name ? d.name + ' (' + d.id + ')' : d.id}));
      });
      if (list.some(function (d) { return d.id === want; })) { select.value = want; }
      return select.value;
    });
  }

  var ACTIVE = {queued: true, running: true};

  /* Watches a job until it is no longer queued or running; shows its status in #job-status. */
  function watchJob(jobId, onChange) {
    return new Promise(function (resolve, reject) {
      function tick() {
        api('/api/v1/jobs/' + encodeURIComponent(jobId)).then(function (job) {
          showJob(job);
          if (onChange) { onChange(job); }
          if (ACTIVE[job.status]) { setTimeout(tick, 700); } else { resolve(job); }
        }, reject);
      }
      tick();
    });
  }

  var currentJob = null;

  function showJob(job) {
    currentJob = job;
    var box = document.getElementById('job-status');
    if (!box) { return; }
    box.hidden = false;
    box.innerHTML = '';
    box.setAttribute('data-status', job.status);
    box.setAttribute('data-job-id', job.id);
    box.appendChild(el('span', {text: t('job') + ' '}));
    box.appendChild(el('code', {'class': 'job-id', text: job.id}));
    box.appendChild(el('span', {'class': 'status status-' + job.status, text: statusText(job.status)}));
    var p = job.progress;
    if (p && ACTIVE[job.status]) {
      var bits = [];
      if (p.seconds !== null && p.seconds !== undefined) {
        bits.push(Math.round(p.seconds) + ' ' + t('seconds'));
      }
      if (p.objective !== null && p.objective !== undefined) {
        bits.push(t('objective') + ' ' + Math.round(p.objective * 100) / 100);
      }
      if (p.bound !== null && p.bound !== undefined) {
        bits.push(t('bound') + ' ' + Math.round(p.bound * 100) / 100);
      }
      if (p.gap !== null && p.gap !== undefined) {
        bits.push(t('gap') + ' ' + (Math.round(p.gap * 1000) / 10) + '%');
      }
      if (p.stage) { bits.push(t('stage') + ' ' + p.stage); }
      if (bits.length) { box.appendChild(el('span', {text: ' ' + bits.join(' · ')})); }
    }
    if (job.message) { box.appendChild(el('div', {'class': 'job-message', text: job.message})); }
    if (ACTIVE[job.status]) {
      var b = el('button', {type: 'button', id: 'cancel-job', text: t('cancel')});
      b.addEventListener('click', function () {
        api('/api/v1/jobs/' + encodeURIComponent(job.id) + '/cancel', {method: 'POST'})
          .catch(showError);
      });
      box.appendChild(b);
    }
  }

  onLang(function () { if (currentJob) { showJob(currentJob); } });

  function submitJob(kind, datasetId, params) {
    return api('/api/v1/jobs', {method: 'POST', json: {kind: kind, dataset_id: datasetId, params: params}});
  }

  /* Submit (or reuse) a job, watch it, and on a finished one explain why there is no plan. */
  function runJob(kind, datasetId, params) {
    showError(null);
    return submitJob(kind, datasetId, params).then(function (job) {
      showJob(job);
      return finish(job.id);
    });
  }

  function finish(jobId) {
    return watchJob(jobId).then(function (job) {
      if (job.status === 'infeasible') {
        return api('/api/v1/jobs/' + encodeURIComponent(job.id) + '/result').then(function () {
          throw new Error(job.message || statusText(job.status));
        }, function (e) { throw e; });
      }
      if (job.status !== 'done' && !(job.files && job.files.length)) {
        throw new Error(job.message || statusText(job.status));
      }
      return job;
    });
  }

  /* The newest job of a kind on a dataset that has a plan (done), matching params if given. */
  function latestJob(kind, datasetId, match) {
    return api('/api/v1/jobs').then(function (jobs) {
      for (var i = 0; i < jobs.length; i++) {
        var j = jobs[i];
        if (j.kind === kind && j.dataset_id === datasetId && j.status === 'done' &&
            (!match || match(j.params || {}))) { return j; }
      }
      return null;
    });
  }

  function fileUrl(jobId, name) {
    return '/api/v1/jobs/' + encodeURIComponent(jobId) + '/files/' +
      name.split('/').map(encodeURIComponent).join('/');
  }

  /* A download link that also works with a token (fetches with the header, saves a blob). */
  function downloadLink(jobId, name, label) {
    var a = el('a', {href: fileUrl(jobId, name), download: name.split('/').pop(),
      'class': 'download', text: label || name});
    a.addEventListener('click', function (ev) {
      if (!token()) { return; }
      ev.preventDefault();
      api(fileUrl(jobId, name), {as: 'blob'}).then(function (blob) {
        var u = URL.createObjectURL(blob);
        var tmp = el('a', {href: u, download: name.split('/').pop()});
        document.body.appendChild(tmp);
        tmp.click();
        tmp.remove();
        setTimeout(function () { URL.revokeObjectURL(u); }, 1000);
      }, showError);
    });
    return a;
  }

  function setupChrome() {
    var sw = document.getElementById('lang-switch');
    if (sw) {
      sw.addEventListener('click', function () { setLang(lang() === 'en' ? 'zh' : 'en'); });
    }
    applyLang();
  }

  function fmtNum(v, digits) {
    var n = Number(v);
    if (v === '' || v === null || v === undefined || isNaN(n)) { return v; }
    var f = Math.pow(10, digits || 0);
    return String(Math.round(n * f) / f);
  }

  /* The plan's reasons, rendered by the server in the page's language: status and gap,
   * targets (met or not), soft goals with what each cost, findings. Text only, never HTML. */
  function resultUrl(jobId) {
    return '/api/v1/jobs/' + encodeURIComponent(jobId) + '/result?lang=' + lang();
  }

  var reasonsJob = null;

  function showReasons(jobId, result) {
    reasonsJob = jobId;
    var box = document.getElementById('reasons');
    if (!box) { return; }
    function draw(r) {
      box.innerHTML = '';
      box.hidden = false;
      box.appendChild(el('h2', {text: t('reasons')}));
      var head = r.status_label;
      if (r.gap !== null && r.gap !== undefined && r.gap > 0) {
        head += ' · ' + t('gap') + ' ' + (Math.round(r.gap * 1000) / 10) + '%';
      }
      if (r.objective !== null && r.objective !== undefined) {
        head += ' · ' + t('objective') + ' ' + fmtNum(r.objective, 2) + ' · ' + t('bound') + ' ' +
          fmtNum(r.bound, 2);
      }
      box.appendChild(el('p', {'class': 'plan-status', 'data-status': r.status, text: head}));
      if (r.targets && r.targets.length) {
        box.appendChild(el('h3', {text: t('targets_h')}));
        var ul = el('ul', {'class': 'targets'});
        r.targets.forEach(function (x) {
          ul.appendChild(el('li', {'class': x.met ? 'met' : 'not-met', text: x.label + '：' +
            t('goal') + ' ' + fmtNum(x.goal, 1) + '，' + t('achieved') + ' ' + fmtNum(x.achieved, 1) +
            '（' + t(x.met ? 'met' : 'not_met') + '）'}));
        });
        box.appendChild(ul);
      }
      if (r.soft_goals && r.soft_goals.length) {
        box.appendChild(el('h3', {text: t('soft_goals_h')}));
        var ul2 = el('ul', {'class': 'soft-goals'});
        r.soft_goals.forEach(function (g) {
          ul2.appendChild(el('li', {text: g.label + '：' + g.value + ' × ' + g.weight + ' = ' +
            g.cost}));
        });
        box.appendChild(ul2);
      }
      if (r.findings && r.findings.length) {
        box.appendChild(el('h3', {text: t('findings_h')}));
        var ul3 = el('ul', {'class': 'findings'});
        r.findings.forEach(function (f) {
          ul3.appendChild(el('li', {'class': 'finding-' + f.severity, 'data-code': f.code,
            text: f.message}));
        });
        box.appendChild(ul3);
      }
    }
    if (result) { draw(result); return; }
    api(resultUrl(jobId)).then(draw, showError);
  }

  onLang(function () { if (reasonsJob) { showReasons(reasonsJob); } });

  /* Defaults from today, not from the year the pages were written: next month's roster,
   * this year's calendar (next year's from October), siting from next year on. */
  function defaults(now) {
    now = now || new Date();
    var y = now.getFullYear(), m = now.getMonth() + 1;
    var nm = m === 12 ? 1 : m + 1, ny = m === 12 ? y + 1 : y;
    return {month: ny + '-' + (nm < 10 ? '0' : '') + nm, year: m >= 10 ? y + 1 : y,
      years: (y + 1) + '-' + (y + 3)};
  }

  // every row of a dataset's table: the API answers pages of 1000 rows (?page=N)
  function tableRows(ds, name) {
    var base = '/api/v1/datasets/' + encodeURIComponent(ds) + '/tables/' + name;
    var rows = [];
    function more(page) {
      return api(base + '?page=' + page).then(function (part) {
        rows = rows.concat(part);
        return part.length >= 1000 ? more(page + 1).catch(function () { return rows; }) : rows;
      });
    }
    return more(0);
  }

  window.Tuoyu = {
    tableRows: tableRows,
    defaults: defaults,
    resultUrl: resultUrl, showReasons: showReasons,
    t: t, lang: lang, setLang: setLang, onLang: onLang, applyLang: applyLang, api: api,
    token: token, setToken: setToken, el: el, showError: showError, fillTable: fillTable,
    parseCsv: parseCsv, statusText: statusText, param: param, loadDatasets: loadDatasets,
    watchJob: watchJob, showJob: showJob, submitJob: submitJob, runJob: runJob, finish: finish,
    latestJob: latestJob, fileUrl: fileUrl, downloadLink: downloadLink,
    setupChrome: setupChrome, fmtNum: fmtNum
  };
})();
