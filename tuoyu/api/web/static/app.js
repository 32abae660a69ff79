/* tuoyu web pages: shared helpers (i18n, API calls with an optional token, jobs, tables).
 * No framework, no CDN: everything the pages need is served by the app under /static. */
(function () {
  'use strict';

  var DICT = {
    zh: {
      app_name: '托育规划', app_name_of: '{d}托育规划',
      nav_home: '首页', nav_map: '选址地图', nav_roster: '月度检查排班', nav_calendar: '年度指导活动日历',
      nav_plan: '行动计划目标', title_plan: '三年行动计划目标完成情况',
      nav_visits: '上门指导', title_visits: '新生儿家庭上门指导',
      lang_switch: 'English',
      title_index: '托育规划 · 首页', title_map: '公办托班选址地图',
      title_roster: '月度检查排班（双随机）', title_calendar: '年度指导活动日历',
      intro: '区托育服务指导中心的规划工具：月度双随机检查排班、年度指导活动日历、公办托班选址、' +
        '新生儿家庭上门指导，以及三年行动计划目标完成情况。',
      token: '访问令牌（可选）', save: '保存', token_saved: '令牌已保存在本浏览器。',
      token_cleared: '已清除令牌。',
      datasets: '数据集', recent_jobs: '最近的规划任务', none: '暂无',
      id: '编号', name: '名称', tables: '数据表', created_at: '创建时间', kind: '类型',
      dataset: '数据集', status: '状态', open: '打开', message: '说明',
      st_queued: '排队中', st_running: '求解中', st_done: '已完成', st_infeasible: '无可行方案',
      st_failed: '失败', st_cancelled: '已取消', st_interrupted: '已中断',
      job: '任务', seconds: '秒', objective: '目标值', bound: '下界',
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
      pin: '固定选入', forbid: '排除', pinned_item: '固定选入：{name}',
      pinned_item_year: '固定选入：{name}，{y}年', forbidden_item: '排除：{name}',
      pin_confirm: '确定固定选入“{name}”？重新规划时必定开设。',
      pin_confirm_year: '确定固定选入“{name}”，{y}年开设？重新规划时必定开设。',
      forbid_confirm: '确定排除“{name}”？重新规划时不再选用此处。',
      steering_h: '重新规划时的指定（随方案保存）：', make_plan: '生成方案',
      no_siting_plan: '该数据集还没有这些年份的选址方案；点击“生成方案”即可规划。',
      zoom_in: '放大', zoom_out: '缩小', layers: '图层', layer_sites: '候选新址',
      site_line: '最多可开 {c} 个班，{y}年起可用', avg_walk_near: '平均步行不到 50 米（就在所服务的居委内）',
      best_alternative_more: '未选中的最佳备选：{name}（单看本址服务人数，备选多 {gain} 名；本方案整体更优）',
      remove: '移除', tradeoff: '取舍曲线', tradeoff_range: '取舍曲线（每年班数范围，可选）',
      tradeoff_legend: '实线：服务儿童数；虚线：15分钟范围内儿童数（规划末年）',
      children_served: '服务 {n} 名儿童，来自 {m} 个居委', avg_walk: '平均步行约 {m} 米',
      best_alternative: '未选中的最佳备选：{name}（本址多服务 {gain} 名）',
      walk_network: '15分钟步行圈（按路网）', walk_mixed: '15分钟步行范围（部分按路网，其余直线近似）',
      upload_dataset: '上传数据集', upload_file: '文件（.zip 或 .xlsx）', upload: '上传',
      uploaded: '已上传：{name}', record_outcomes: '录入检查结果', record: '录入',
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
      layer_year: '{y}年新增托班及15分钟步行范围（直线距离近似）', basemap: '底图',
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
      roster_month: '本月检查日历', inspections_shown: '显示 {n} / {m} 次检查',
      day_teams: '当天共 {n} 次检查：', place: '地点',
      // calendar
      plan_year: '年份', make_calendar: '生成日历', by_center: '按活动点',
      by_staff: '按指导人员', center: '活动点', start: '开始', end: '结束', topic: '主题',
      staff: '人员', event: '活动', sessions_count: '场次', ics_files: '日历文件（ICS）',
      filter: '筛选',
      bound_full: '下界', period_month: '{m}', period_year: '{y}年', period_years: '{y}年',
      period_from: '自{d}起重排',
      plan: '方案',
      all: '全部', discipline: '专业', disc_education: '教育', disc_medical: '医学',
      disc_psychology: '心理', district_event: '区级活动', cal_holiday: '节假日',
      cal_workday: '调休上班', as_lists: '按活动点、按人员列出', team: '人员',
      sessions_shown: '显示 {n} / {m} 场', replan_from_day: '从 {d} 起重新安排',
      weekdays: '周日,周一,周二,周三,周四,周五,周六',
      why_nth: '本点全年第 {k} / {n} 场', why_need: '（每年至少 {need} 场）',
      break_below: '取消这一场，本点全年就少于 {need} 场。',
      why_event: '区级活动，全年 {k} 次（要求 {n} 次）',
      why_disciplines: '主题需要的专业：{d}', why_workday: '这一天是调休上班日。',
      break_move: '改到别的日子：同一批人员须当天有空、不在假期、不超过每月上限；否则需另换人员。',
      no_calendar_plan: '该数据集还没有 {y} 年的活动日历；点击“生成日历”即可排定（通常约需一分钟，规模大的区需要数分钟）。',
      tbl_streets: '街镇', tbl_calendar: '日历调整', tbl_institutions: '托育机构',
      tbl_inspectors: '检查人员', tbl_inspector_leave: '检查人员请假', tbl_conflicts: '回避',
      tbl_inspections: '检查记录', tbl_centers: '指导场所', tbl_guidance_staff: '指导人员',
      tbl_staff_leave: '指导人员请假', tbl_events: '区级活动', tbl_topics: '主题',
      tbl_communities: '居委/小区', tbl_providers: '现有托育点', tbl_kindergartens: '幼儿园',
      tbl_sites: '候选新址'
    },
    en: {
      app_name: 'Childcare planning', app_name_of: 'Childcare planning · {d}',
      nav_home: 'Home', nav_map: 'Siting map', nav_roster: 'Monthly roster',
      nav_calendar: 'Session calendar', lang_switch: '中文',
      nav_plan: 'Action plan targets', title_plan: 'Three-year action plan: targets',
      nav_visits: 'Home visits', title_visits: 'Home guidance visits to newborn families',
      title_index: 'Childcare planning', title_map: 'Siting of public nursery classes',
      title_roster: 'Monthly inspection roster', title_calendar: 'Yearly guidance-session calendar',
      intro: 'Planning tools of the district childcare office: monthly inspection rosters, ' +
        'the yearly guidance-session calendar, siting of public nursery classes, home ' +
        'visits to newborn families, and the action plan\'s targets.',
      token: 'Access token (optional)', save: 'Save', token_saved: 'Token saved in this browser.',
      token_cleared: 'Token cleared.',
      datasets: 'Datasets', recent_jobs: 'Recent jobs', none: 'None yet',
      id: 'ID', name: 'Name', tables: 'Tables', created_at: 'Created', kind: 'Kind',
      dataset: 'Dataset', status: 'Status', open: 'Open', message: 'Message',
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
      pin: 'Pin', forbid: 'Forbid', pinned_item: 'pinned: {name}',
      pinned_item_year: 'pinned: {name}, {y}', forbidden_item: 'forbidden: {name}',
      pin_confirm: 'Pin "{name}"? The re-plan will open it.',
      pin_confirm_year: 'Pin "{name}" to {y}? The re-plan will open it then.',
      forbid_confirm: 'Forbid "{name}"? The re-plan will not use it.',
      steering_h: 'Kept for re-plans (stored with the plan): ', make_plan: 'Make the plan',
      no_siting_plan: 'No siting plan of these years for this dataset yet: press "Make the plan".',
      zoom_in: 'Zoom in', zoom_out: 'Zoom out', layers: 'Layers', layer_sites: 'Candidate sites',
      site_line: 'up to {c} classes, available from {y}', avg_walk_near: 'average walk under 50 m (inside the communities served)',
      best_alternative_more: 'best place not chosen: {name} (alone it would serve {gain} more; the plan as a whole is better)',
      remove: 'remove', tradeoff: 'Trade-off', tradeoff_range: 'Trade-off (classes a year, optional)',
      tradeoff_legend: 'solid: children served; dashed: children within 15 minutes (last year)',
      children_served: 'serves {n} children from {m} communities', avg_walk: 'average walk about {m} m',
      best_alternative: 'best place not chosen: {name} (this one serves {gain} more)',
      walk_network: '15-minute walk (on the network)', walk_mixed: '15-minute walk (partly on the network, the rest a straight-line stand-in)',
      upload_dataset: 'Upload a dataset', upload_file: 'File (.zip or .xlsx)', upload: 'Upload',
      uploaded: 'Uploaded: {name}', record_outcomes: 'Record inspection outcomes', record: 'Record',
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
      layer_year: 'New classes {y} and 15-minute walk (straight-line stand-in)', basemap: 'Basemap',
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
      roster_month: 'The month\'s inspections', inspections_shown: '{n} of {m} inspections shown',
      day_teams: '{n} inspections that day:', place: 'Place',
      plan_year: 'Year', make_calendar: 'Make calendar', by_center: 'By center',
      by_staff: 'By staff member', center: 'Center', start: 'Start', end: 'End', topic: 'Topic',
      staff: 'Staff', event: 'Event', sessions_count: 'Sessions', ics_files: 'Calendar files (ICS)',
      filter: 'Filter',
      bound_full: 'bound', period_month: '{m}', period_year: '{y}', period_years: '{y}',
      period_from: 're-planned from {d}',
      plan: 'Plan',
      all: 'all', discipline: 'Discipline', disc_education: 'education', disc_medical: 'medicine',
      disc_psychology: 'psychology', district_event: 'District event', cal_holiday: 'Holiday',
      cal_workday: 'Adjusted working day', as_lists: 'As lists, by center and by staff member',
      team: 'Team', sessions_shown: '{n} of {m} sessions shown',
      replan_from_day: 'Re-plan from {d}', weekdays: 'Sun,Mon,Tue,Wed,Thu,Fri,Sat',
      why_nth: 'session {k} of {n} at this center this year', why_need: ' (at least {need} a year)',
      break_below: 'Cancelling it leaves this center below {need} sessions a year.',
      why_event: 'district event, {k} times this year ({n} asked for)',
      why_disciplines: 'the topic needs: {d}', why_workday: 'This is an adjusted working day.',
      break_move: 'Moving it: the same team must be free that day, not on leave and within ' +
        'their monthly limit; otherwise others must be found.',
      no_calendar_plan: 'No calendar of {y} for this dataset yet: press "Make calendar" (usually about a minute; a large district takes several minutes).'
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

  // each registered planner's name, {kind: {zh, en}}: the service writes it into the page
  var planners = null;
  function plannerName(kind) {
    if (planners === null) {
      var m = document.querySelector('meta[name="tuoyu-planners"]');
      try { planners = m ? JSON.parse(m.getAttribute('content')) : {}; } catch (e) { planners = {}; }
    }
    var p = planners[kind];
    return p ? (p[lang()] || p.zh) : undefined;
  }

  function t(key, vars) {
    var s = DICT[lang()][key];
    if (s === undefined && key.indexOf('kind_') === 0) { s = plannerName(key.slice(5)); }
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
    if (document.body) { paintDistrict(); }
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
    var tries = 0, since = Date.now();
    function send() {
      return fetch(path, init).then(function (r) {
        // a heavy read (a table read apart) answers 429 "busy" while another of the same
        // caller runs: a GET waits its turn, for up to five minutes (a page asks for
        // several tables at once, each read once and then kept)
        if (r.status === 429 && init.method === 'GET' && Date.now() - since < 300000) {
          tries++;
          return new Promise(function (ok) { setTimeout(ok, 200 + 100 * Math.min(tries, 10)); })
            .then(send);
        }
        return r;
      });
    }
    return send().then(function (r) {
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

  /* The datasets as the service lists them (id, name, district), by id. */
  var datasets = {};

  /* A dataset's name for a planner: its district, and the name it was uploaded under
   * when that says more ("宝山区", "崇明 2027（崇明区）"). */
  function datasetLabel(d) {
    var district = d.district || '';
    var name = d.name || d.id;
    if (!district || name.indexOf(district) >= 0) { return name; }
    if (district.indexOf(name) >= 0) { return district; }
    return name + '（' + district + '）';
  }

  /* The district the page shows: in the header and the window's title. */
  var shownDistrict = '';

  function paintDistrict() {
    var brand = document.querySelector('header .brand');
    if (brand) {
      brand.textContent = shownDistrict ? t('app_name_of', {d: shownDistrict}) : t('app_name');
    }
    var title = document.querySelector('title[data-i18n]');
    if (title) {
      var base = t(title.getAttribute('data-i18n'));
      document.title = shownDistrict ? shownDistrict + ' · ' + base : base;
    }
  }

  function setDistrict(datasetId) {
    var d = datasets[datasetId];
    shownDistrict = d ? (d.district || d.name || '') : '';
    document.body.setAttribute('data-dataset', datasetId || '');
    // the header's links open the other pages on the same dataset
    document.querySelectorAll('header nav a').forEach(function (a) {
      var path = a.getAttribute('href').split('?')[0];
      if (path === '/') { return; }
      a.setAttribute('href', datasetId ? path + '?dataset=' + encodeURIComponent(datasetId) : path);
    });
    paintDistrict();
  }

  /* The page now shows a plan of ``job``: the dataset selector names its district, always
   * (a link to another district's plan, a re-plan, a switch back). */
  function showingPlan(job) {
    var select = document.getElementById('dataset');
    if (!job || !job.dataset_id) { return; }
    if (select && datasets[job.dataset_id] && select.value !== job.dataset_id) {
      select.value = job.dataset_id;
    }
    setDistrict(job.dataset_id);
  }

  /* Fill a <select> with the datasets; resolves with the chosen id: the dataset of the
   * plan the link opens (?job=…), else ?dataset=…, else the one chosen before, else the
   * folder the service was started with (tuoyu serve --data: `default`), else the
   * bundled one. The header and title follow the selector. */
  function loadDatasets(select) {
    var jobId = param('job');
    var ofJob = jobId ? api('/api/v1/jobs/' + encodeURIComponent(jobId)).then(function (j) {
      return j.dataset_id;
    }, function () { return null; }) : Promise.resolve(null);
    return Promise.all([api('/api/v1/datasets'), ofJob]).then(function (r) {
      var list = r[0];
      var served = list.filter(function (d) { return d.default; })[0];
      var want = r[1] || param('dataset') || select.value || (served ? served.id : 'baoshan');
      select.innerHTML = '';
      datasets = {};
      list.forEach(function (d) {
        datasets[d.id] = d;
        select.appendChild(el('option', {value: d.id, text: datasetLabel(d)}));
      });
      if (list.some(function (d) { return d.id === want; })) { select.value = want; }
      if (!select.getAttribute('data-district-watch')) {
        select.setAttribute('data-district-watch', '1');
        select.addEventListener('change', function () { setDistrict(select.value); });
      }
      setDistrict(select.value);
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

  /* A time as people in the office read it: Asia/Shanghai, "2027-03-01 09:30". */
  function fmtTime(iso) {
    if (!iso) { return ''; }
    var d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + 'Z');
    if (isNaN(d.getTime())) { return String(iso); }
    var parts = {};
    new Intl.DateTimeFormat('en-GB', {timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false})
      .formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + '-' + parts.month + '-' + parts.day + ' ' +
      (parts.hour === '24' ? '00' : parts.hour) + ':' + parts.minute;
  }

  function rangeOf(v) {
    if (Array.isArray(v)) { return v[0] === v[1] ? String(v[0]) : v[0] + '–' + v[1]; }
    return v === null || v === undefined ? '' : String(v).replace('-', '–');
  }

  /* A job as a planner names it: its kind, its month/year(s), its district (never its id). */
  function jobLabel(job) {
    var p = job.params || {};
    var bits = [t('kind_' + job.kind)];
    if (p.month) { bits.push(t('period_month', {m: p.month})); }
    else if (p.year) { bits.push(t('period_year', {y: p.year})); }
    else if (p.years) { bits.push(t('period_years', {y: rangeOf(p.years)})); }
    if (p.from_date) { bits.push(t('period_from', {d: p.from_date})); }
    var d = datasets[job.dataset_id];
    if (d) { bits.push(d.district || d.name || job.dataset_id); }
    return bits.join(' · ');
  }

  function showJob(job) {
    currentJob = job;
    var box = document.getElementById('job-status');
    if (!box) { return; }
    box.hidden = false;
    box.innerHTML = '';
    box.setAttribute('data-status', job.status);
    box.setAttribute('data-job-id', job.id);
    box.appendChild(el('span', {'class': 'job-label', text: jobLabel(job)}));
    box.appendChild(el('span', {'class': 'status status-' + job.status, text: statusText(job.status)}));
    var p = job.progress;
    if (p && ACTIVE[job.status]) {
      var bits = [];
      if (p.seconds !== null && p.seconds !== undefined) {
        bits.push(Math.round(p.seconds) + ' ' + t('seconds'));
      }
      // the server says the stage in the page's language (its one catalogue of them)
      if (p.stage) { bits.push(p.stage_label || p.stage); }
      if (p.objective !== null && p.objective !== undefined) {
        bits.push(t('objective') + ' ' + Math.round(p.objective * 100) / 100);
      }
      if (p.bound !== null && p.bound !== undefined) {
        bits.push(t('bound') + ' ' + Math.round(p.bound * 100) / 100);
      }
      if (p.gap !== null && p.gap !== undefined) {
        bits.push(t('gap') + ' ' + (Math.round(p.gap * 1000) / 10) + '%');
      }
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
      showingPlan(job);
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

  /* The basemap's tile address a planner configured for the service (TUOYU_MAP_TILES, in
   * the map pages' head), or null: then a map shows no basemap and asks no other host. */
  function mapTiles() {
    var m = document.querySelector('meta[name="tuoyu-map-tiles"]');
    var url = m ? m.getAttribute('content') : '';
    return /^https?:\/\/\S+$/.test(url || '') ? url : null;
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
  var FILE_NAME = /[A-Za-z0-9_-]+\.(?:csv|xlsx|json|geojson|html|ics)\b/g;

  /* Text into ``node`` with each file of the plan it names ("见 tradeoff.csv") as a link
   * that downloads it. */
  function linked(node, text, jobId) {
    var at = 0, m;
    FILE_NAME.lastIndex = 0;
    while ((m = FILE_NAME.exec(text)) !== null) {
      node.appendChild(document.createTextNode(text.slice(at, m.index)));
      node.appendChild(downloadLink(jobId, m[0]));
      at = m.index + m[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(at)));
    return node;
  }

  /* No plan's reasons on screen (another dataset's or month's plan left the page), and
   * none drawn again when the language changes. */
  function clearReasons() {
    reasonsJob = null;
    var box = document.getElementById('reasons');
    if (box) { box.innerHTML = ''; box.hidden = true; }
  }

  function showReasons(jobId, result) {
    reasonsJob = jobId;
    var box = document.getElementById('reasons');
    if (!box) { return; }
    function draw(r) {
      box.innerHTML = '';
      box.hidden = false;
      box.appendChild(el('h2', {text: t('reasons')}));
      // the figures as every face says them (rounded, the bound named 下界/上界, the gap)
      var fig = r.figures || {};
      var head = fig.status || r.status_label;
      if (fig.line) { head += ' · ' + fig.line; }
      box.appendChild(el('p', {'class': 'plan-status', 'data-status': r.status, text: head}));
      if (r.targets && r.targets.length) {
        box.appendChild(el('h3', {text: t('targets_h')}));
        var ul = el('ul', {'class': 'targets'});
        // the numbers as the server writes them everywhere (0.97 stays 0.97, 1,172 has its comma)
        (fig.targets || r.targets).forEach(function (x) {
          // the server's own line when it has one: it names a band (a month's 25–41)
          ul.appendChild(el('li', {'class': x.met ? 'met' : 'not-met', 'data-code': x.code,
            text: x.label + '：' + (x.line || (t('goal') + ' ' + x.goal + '，' + t('achieved') +
              ' ' + x.achieved + '（' + t(x.met ? 'met' : 'not_met') + '）'))}));
        });
        box.appendChild(ul);
      }
      if (r.soft_goals && r.soft_goals.length) {
        box.appendChild(el('h3', {text: t('soft_goals_h')}));
        var ul2 = el('ul', {'class': 'soft-goals'});
        (fig.goals || []).forEach(function (g) {
          ul2.appendChild(el('li', {'data-code': g.code, text: g.label + '：' + g.line}));
        });
        box.appendChild(ul2);
      }
      if (r.findings && r.findings.length) {
        box.appendChild(el('h3', {text: t('findings_h')}));
        var ul3 = el('ul', {'class': 'findings'});
        r.findings.forEach(function (f) {
          ul3.appendChild(linked(el('li', {'class': 'finding-' + f.severity,
            'data-code': f.code}), f.message, jobId));
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

  // the same, asked once per page: a failed read is forgotten, so the next call asks again
  var tablesCache = {};
  function cachedTableRows(ds, name) {
    var key = ds + '/' + name;
    if (!tablesCache[key]) {
      tablesCache[key] = tableRows(ds, name)
        .catch(function () { delete tablesCache[key]; return []; });
    }
    return tablesCache[key];
  }

  // a list of ids as a table's cell holds it: an array, or "a;b" / "a,b"
  function idList(v) {
    if (Array.isArray(v)) { return v.map(String); }
    return String(v || '').split(/[;,]/).map(function (s) { return s.trim(); })
      .filter(Boolean);
  }

  window.Tuoyu = {
    tableRows: tableRows, cachedTableRows: cachedTableRows, idList: idList,
    defaults: defaults,
    resultUrl: resultUrl, showReasons: showReasons, clearReasons: clearReasons,
    t: t, lang: lang, setLang: setLang, onLang: onLang, applyLang: applyLang, api: api,
    token: token, setToken: setToken, el: el, showError: showError, fillTable: fillTable,
    parseCsv: parseCsv, statusText: statusText, param: param, loadDatasets: loadDatasets,
    watchJob: watchJob, showJob: showJob, submitJob: submitJob, runJob: runJob, finish: finish,
    latestJob: latestJob, fileUrl: fileUrl, downloadLink: downloadLink,
    setupChrome: setupChrome, fmtNum: fmtNum, showingPlan: showingPlan, jobLabel: jobLabel, fmtTime: fmtTime,
    mapTiles: mapTiles,
    datasetLabel: datasetLabel, datasets: function () { return datasets; },
    rememberDatasets: function (list) {
      datasets = {};
      list.forEach(function (d) { datasets[d.id] = d; });
    }
  };
})();
