/* A month view of a plan's dated rows (sessions, inspections) on the vendored FullCalendar
 * (MIT standard bundle: month, week, day, list and year views; no premium plugin), in the
 * page's language, with the year's public holidays and adjusted working days (调休上班)
 * marked from the dataset's working calendar. Used by the calendar page; the roster page
 * can include it the same way:
 *
 *   <script src="/static/vendor/fullcalendar/fullcalendar.min.js"></script>
 *   <script src="/static/vendor/fullcalendar/zh-cn.min.js"></script>
 *   <script src="/static/month-view.js"></script>
 *
 *   var view = TuoyuMonthView.monthView(document.getElementById('month'), {
 *     events: [{id, title, start: '2027-03-02', end?, allDay?, classNames?, row}],
 *     initialDate: '2027-03-01', onClick: function (row, event) {}});
 *   TuoyuMonthView.workCalendar(datasetId, 2027).then(view.mark);   // holidays and 调休 days
 *   view.set(otherEvents);                                  // after a filter
 *
 * Uses app.js (window.Tuoyu) when called; may be included before or after it. Rows are data: titles are set as text, never HTML. */
(function () {
  'use strict';
  var T = {  // app.js's helpers, looked up when used (this file may load before it)
    api: function (a, b) { return window.Tuoyu.api(a, b); },
    t: function (k, v) { return window.Tuoyu.t(k, v); },
    lang: function () { return window.Tuoyu.lang(); }
  };

  function key(d) {  // a FullCalendar date (timeZone UTC) as YYYY-MM-DD
    var m = d.getUTCMonth() + 1, day = d.getUTCDate();
    return d.getUTCFullYear() + '-' + (m < 10 ? '0' : '') + m + '-' + (day < 10 ? '0' : '') + day;
  }

  /* The year's marked days of a dataset: [{date, kind: holiday|workday, name}]. */
  function workCalendar(datasetId, year) {
    return T.api('/api/v1/datasets/' + encodeURIComponent(datasetId) + '/calendar?year=' +
      encodeURIComponent(year)).catch(function () { return []; });
  }

  function markTitle(m) {
    if (m.kind === 'workday') {
      return T.t('cal_workday') + (m.name ? '（' + m.name + '）' : '');
    }
    return m.name || T.t('cal_holiday');
  }

  function monthView(elem, opts) {
    opts = opts || {};
    var marks = {};

    /* A day cell says what the day is (data-mark, its title on hover, a class). */
    function paint(cell, day) {
      var m = marks[day];
      ['is-holiday', 'is-workday'].forEach(function (c) { cell.classList.remove(c); });
      if (!m) { cell.removeAttribute('data-mark'); return; }
      cell.setAttribute('data-mark', m.kind);
      cell.title = markTitle(m);
      cell.classList.add('is-' + m.kind);
    }

    var markEvents = [];
    var rowEvents = opts.events || [];
    // the words FullCalendar's zh-cn locale leaves in English (titles, screen readers)
    var hints = T.lang() === 'en' ? {} : {closeHint: '关闭', navLinkHint: '前往 $0',
      moreLinkHint: function (n) { return '另外 ' + n + ' 个'; }, eventHint: '活动',
      timeHint: '时间'};
    var cal = new FullCalendar.Calendar(elem, Object.assign(hints, {
      timeZone: 'UTC',  // dates and times as the plan writes them, whatever the browser's zone
      locale: T.lang() === 'en' ? 'en' : 'zh-cn',
      initialView: opts.initialView || 'dayGridMonth',
      initialDate: opts.initialDate,
      height: opts.height || 'auto',
      firstDay: 1,
      buttonIcons: false,  // its icon font is a data: URL the pages' policy refuses: words
      nowIndicator: false,
      dayMaxEvents: opts.dayMaxEvents === undefined ? 4 : opts.dayMaxEvents,
      slotMinTime: opts.slotMinTime || '08:00:00',
      slotMaxTime: opts.slotMaxTime || '20:00:00',
      headerToolbar: {left: 'prev,next today', center: 'title',
        right: opts.views || 'multiMonthYear,dayGridMonth,timeGridWeek,timeGridDay,listMonth'},
      buttonText: T.lang() === 'en' ? {list: 'list', year: 'year', prev: '‹', next: '›'} :
        {list: '列表', year: '全年', prev: '上一页', next: '下一页'},
      eventTimeFormat: {hour: '2-digit', minute: '2-digit', hour12: false},
      events: function (info, ok) { ok(rowEvents.concat(markEvents)); },
      dayCellDidMount: function (arg) { paint(arg.el, key(arg.date)); },
      eventClick: function (info) {
        if (info.jsEvent) { info.jsEvent.preventDefault(); }
        var row = info.event.extendedProps.row;
        if (row && opts.onClick) { opts.onClick(row, info.event); }
      }
    }));
    cal.render();
    return {
      calendar: cal,
      /* Replace the plan's events (after a filter). */
      set: function (events) { rowEvents = events || []; cal.refetchEvents(); },
      /* Mark holidays and adjusted working days: [{date, kind, name}]. */
      mark: function (days) {
        marks = {};
        markEvents = (days || []).map(function (m) {
          marks[m.date] = m;
          return {start: m.date, allDay: true, display: 'background', title: markTitle(m),
            classNames: ['mark-' + m.kind]};
        });
        cal.refetchEvents();
        // the cells on screen now; those of other months as they are drawn
        elem.querySelectorAll('td[data-date]').forEach(function (cell) {
          paint(cell, cell.getAttribute('data-date'));
        });
      },
      gotoDate: function (d) { cal.gotoDate(d); },
      changeView: function (v, d) { cal.changeView(v, d); },
      destroy: function () { cal.destroy(); }
    };
  }

  /* The plan's month grid in ``host``: made anew when the plan (``jobId``) or the language
   * changed since ``view`` was made there (with ``opts``, events and holiday marks), else
   * only its events replaced (a filter). Returns the view to keep. */
  function showIn(host, view, jobId, opts, marks) {
    var lang = T.lang();
    if (!view || host.getAttribute('data-job-id') !== jobId ||
        host.getAttribute('data-lang') !== lang) {
      if (view) { view.destroy(); }
      host.innerHTML = '';
      view = monthView(host, opts);
      view.mark(marks);
      host.setAttribute('data-job-id', jobId);
      host.setAttribute('data-lang', lang);
    } else {
      view.set(opts.events);
    }
    host.setAttribute('data-events', String((opts.events || []).length));
    return view;
  }

  window.TuoyuMonthView = {monthView: monthView, workCalendar: workCalendar, showIn: showIn};
})();
