#!/usr/bin/python3
"""The district console end to end, in a real browser (issue 13, deliverable 7).

A real `weimin-district serve` on 127.0.0.1 (its own development CA), a real station (the
`weimin` command, enrolled with a one-time token) and Debian's headless Chromium driven through
WebDriver (chromium-driver, python3-selenium; all three installed by scripts/setup). Nothing is
mocked. The loop:

  the station records residents' problems and syncs; the street office signs in, finds a case
  by its tracking code and whistles it to a department; the department signs in, reports in
  (with an expected date) and gives feedback; another department returns a whistle that is not
  its business; the station syncs, verifies, closes; the resident's rating is recorded and
  synced; the office's case page shows the whole timeline in order.

Also: a description holding <script> and quotes shows as text (no alert, no script element);
a department opening another department's case gets the 403 page; an office opening an admin
page gets it too; after sign-out the inbox redirects to sign-in; a wrong password is told on the
sign-in page; an admin with a one-time password must change it first; an enrolment token issued
in the browser enrols a second station; accounts made while the district serves work at once.

The figures page (issue 15): the office's satisfied rate and its counts, a table, the CSV and
.xlsx downloads; at a phone's 390 px nothing overflows and every control is in reach; a
department asking a staff sheet gets the 403 page.

Issue 16's pages, the district restarted at two rows a page (serve --console-page-size 2): the
office's cases filtered by grid (网格) with their per-grid counts, the neighbour-services page
(wishes, care lists), the consultation topics, the work-access applications and the certificate
register, each with its rows checked and its next and previous links followed (plain links, no
script), photographed at 1366x768, 1920x1080 and a phone's 390 px, where nothing overflows and
every paging link is in reach.

Every console page is photographed at 1366x768 and 1920x1080 (the figures pages at 1366x768
and 390x844), and in full when it is taller than the screen, into the folder given by --shots
(default build/console-tour/), like the kiosk's tour.

Chromium trusts the test's own CA only: --ignore-certificate-errors-spki-list names the SHA-256
of the CA's public key (headless Chromium on Linux has no per-run trust store without NSS
tools), so any other certificate is still refused.

Usage: e2e.py --weimin BIN --district BIN [--catalog FILE] [--shots DIR] [--keep]
Exit status 0 when every check passed; 1 with the reason on standard error otherwise.
"""

import argparse
import base64
import datetime
import hashlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_S = 20  # the longest any one page condition is waited for
SIZES = [(1366, 768), (1920, 1080)]
PHONE = (390, 844)  # a phone held upright: the figures page is photographed at this width too

COMMUNITY = "530102001001"  # 翠湖社区, in the street office below
OFFICE = "530102001"  # 华山街道
DEPARTMENT = "urban_management"
OTHER_DEPARTMENT = "housing"
PASSWORD = "e2e-Passw0rd-long"
HOSTILE = "楼道灯坏了 <script>alert(1)</script> \"双引号\" 'single' & <b>bold</b>"


class Failure(Exception):
    """A check that did not hold; its message says which and what was seen."""


def need_tools():
    """Fails (never skips) when the browser or its driver is missing."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium (module selenium for %s)" % sys.executable)
    if missing:
        raise Failure("missing %s: run ./scripts/setup as root (it installs chromium, "
                      "chromium-driver and python3-selenium)" % ", ".join(missing))


# [SECTION] The district and the station, as their commands


class District:
    """A real `weimin-district serve --dev` on 127.0.0.1, any free port."""

    def __init__(self, binary, root, catalog):
        self.binary = binary
        self.data = os.path.join(root, "district")
        self.log_path = os.path.join(root, "district.log")
        self.process = None
        self.run("--district", "530102", "init")
        self.run("catalog", "publish", catalog)

    def run(self, *args, stdin=None):
        done = subprocess.run([self.binary, "--data", self.data, *args], input=stdin,
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise Failure("weimin-district %s exited %d: %s" % (" ".join(args), done.returncode,
                                                                done.stderr.strip()))
        return done.stdout

    def add_account(self, user, role, scope, one_time=False):
        """Adds a console account with PASSWORD, or with a one-time password it returns."""
        if not one_time:
            self.run("account", "add", "--user", user, "--role", role, "--scope", scope,
                     stdin=PASSWORD + "\n")
            return PASSWORD
        out = self.run("account", "add", "--user", user, "--role", role, "--scope", scope,
                       "--one-time")
        for line in out.splitlines():
            if line.startswith("one-time password"):
                return line.split(": ", 1)[1].strip()
        raise Failure("account add --one-time printed no one-time password: %r" % out)

    def start(self, *extra):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [self.binary, "--data", self.data, "serve", "--dev", "--listen", "127.0.0.1:0",
             *extra],
            stdout=subprocess.PIPE, stderr=log, text=True)
        lines = queue.Queue()

        def pump():
            for line in self.process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        seen = []
        self.url = self.ca = None
        while self.url is None:
            try:
                line = lines.get(timeout=30)
            except queue.Empty:
                raise Failure("weimin-district serve printed no 'listening:' line in 30 s; "
                              "it printed %r; log %s" % (seen, self.log_path))
            if line is None:
                raise Failure("weimin-district serve ended before listening: %s" %
                              self.log_tail())
            seen.append(line.strip())
            if line.startswith("ca: "):
                self.ca = line[4:].strip()
            if line.startswith("listening: "):
                self.url = line[len("listening: "):].strip()
        if not self.ca:
            raise Failure("weimin-district serve --dev printed no 'ca:' line: %r" % seen)
        if not os.path.isabs(self.ca):
            self.ca = os.path.join(os.getcwd(), self.ca)

    def log_tail(self, n=30):
        try:
            with open(self.log_path) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Station:
    """A real station (the `weimin` command) of a community (COMMUNITY), director D001."""

    def __init__(self, binary, root, catalog, community=COMMUNITY, folder="station"):
        self.binary = binary
        self.data = os.path.join(root, folder)
        self.env = dict(os.environ, WEIMIN_PIN="583920")
        self.run("init", "--community", community, "--catalog", catalog, "--director", "D001",
                 "--director-name", "李主任", stdin="583920\n")

    def run(self, *args, stdin=None):
        done = subprocess.run([self.binary, "--data", self.data, *args], input=stdin,
                              capture_output=True, text=True, timeout=120, env=self.env)
        if done.returncode != 0:
            raise Failure("weimin %s exited %d: %s" % (" ".join(args), done.returncode,
                                                       done.stderr.strip()))
        return done.stdout

    def new_case(self, source, text, *extra, grid=None):
        import json
        where = ["--grid", grid] if grid else []
        out = json.loads(self.run("--json", "case", "new", "--source", source, "--channel",
                                  "kiosk", "--text", text, "--phone", "13912345678",
                                  "--consent", *where, *extra))
        return out["case_id"], out["tracking_code"]


# [SECTION] The browser


def spki_sha256(pem_path):
    """Base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium's SPKI list wants."""
    pub = subprocess.run(["openssl", "x509", "-in", pem_path, "-pubkey", "-noout"],
                         capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub,
                         capture_output=True, check=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class Browser:
    def __init__(self, base_url, ca_pem, root, shots):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.base = base_url.rstrip("/")
        self.shots = shots
        self.taken = []
        profile = os.path.join(root, "chromium")
        os.makedirs(profile)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ["--headless=new", "--user-data-dir=" + profile,
                    # Containers and CI runners as root have no user namespaces for the sandbox.
                    "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--lang=zh-CN",
                    "--window-size=1920,1080", "--hide-scrollbars",
                    "--ignore-certificate-errors-spki-list=" + spki_sha256(ca_pem)]:
            options.add_argument(arg)
        env = dict(os.environ, HOME=root, XDG_CONFIG_HOME=os.path.join(root, ".config"),
                   XDG_CACHE_HOME=os.path.join(root, ".cache"))
        # The driver's path is given: selenium-manager (which downloads) is never asked.
        service = Service(executable_path=CHROMEDRIVER, env=env,
                          log_path=os.path.join(root, "chromedriver.log"))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.size(*SIZES[0])

    def quit(self):
        self.driver.quit()

    # -- waiting and finding

    def wait(self, condition, what, timeout=WAIT_S):
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            return WebDriverWait(self.driver, timeout).until(lambda d: condition())
        except TimeoutException:
            raise Failure("waited %d s for %s; at %s the page says: %s" %
                          (timeout, what, self.driver.current_url, self.page_text()[:1500]))

    def navigate(self, act, what):
        """Does `act` (a click) and waits until a new document has loaded in its place."""
        from selenium.common.exceptions import TimeoutException, WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait
        self.driver.execute_script("window.__e2e_old_page = true")
        act()

        def loaded(d):
            return d.execute_script("return window.__e2e_old_page === undefined && "
                                    "document.readyState === 'complete'")
        try:
            # While the page changes the driver may answer with transient errors: wait on.
            WebDriverWait(self.driver, WAIT_S, ignored_exceptions=[WebDriverException]).until(
                loaded)
        except TimeoutException:
            raise Failure("waited %d s for %s; at %s the page says: %s" %
                          (WAIT_S, what, self.driver.current_url, self.page_text()[:1500]))

    def page_text(self):
        from selenium.webdriver.common.by import By
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except Exception:  # noqa: BLE001 - only for a failure message
            return "(no body)"

    def all(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def one(self, css, what=None):
        found = self.wait(lambda: (self.all(css) or [None])[0], what or ("an element " + css))
        return found

    def absent(self, css, what):
        if self.all(css):
            raise Failure("%s: found %s at %s" % (what, css, self.driver.current_url))

    def open(self, path):
        self.driver.get(self.base + path)

    def path(self):
        url = self.driver.current_url
        return url[len(self.base):] if url.startswith(self.base) else url

    def submit(self, form, then, what):
        """Submits `form` and waits for the next page and then for `then`."""
        from selenium.webdriver.common.by import By
        buttons = form.find_elements(By.CSS_SELECTOR,
                                     "button[type=submit], input[type=submit], button:not([type])")
        if not buttons:
            raise Failure("form#%s has no submit button" % form.get_attribute("id"))
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", buttons[0])
        self.navigate(buttons[0].click, "the page after " + what)
        self.no_alert()
        errors = [e.text for e in self.all(".error") if e.is_displayed() and e.text.strip()]
        try:
            return self.wait(then, what)
        except Failure:
            if errors:
                raise Failure("no %s: the console said %r (at %s)" %
                              (what, errors, self.driver.current_url))
            raise

    def fill(self, form, name, value):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select
        fields = form.find_elements(By.NAME, name)
        if not fields:
            raise Failure("form#%s has no field name=%s" % (form.get_attribute("id"), name))
        field = fields[0]
        tag = field.tag_name.lower()
        kind = (field.get_attribute("type") or "").lower()
        if tag == "select":
            select = Select(field)
            values = [o.get_attribute("value") for o in select.options]
            if value not in values:
                raise Failure("form#%s select %s has no option %r (it has %r)" %
                              (form.get_attribute("id"), name, value, values))
            select.select_by_value(value)
        elif kind == "checkbox":
            boxes = [f for f in fields if f.get_attribute("value") == value]
            if not boxes:
                raise Failure("form#%s has no checkbox %s=%s (it has %r)" %
                              (form.get_attribute("id"), name, value,
                               [f.get_attribute("value") for f in fields]))
            if not boxes[0].is_selected():
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})",
                                           boxes[0])
                self.driver.execute_script("arguments[0].click()", boxes[0])
        elif kind == "date":
            # Typing into a date field depends on the browser's locale; set the ISO value.
            self.driver.execute_script(
                "arguments[0].value = arguments[1];"
                "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
                "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", field, value)
            if field.get_attribute("value") != value:
                raise Failure("the date field %s did not take %s" % (name, value))
        else:
            field.clear()
            field.send_keys(value)

    def no_alert(self):
        from selenium.common.exceptions import NoAlertPresentException
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            raise Failure("a JavaScript alert opened (%r) at %s: page text ran as script" %
                          (text, self.driver.current_url))
        except NoAlertPresentException:
            pass

    # -- the console's own steps

    def sign_in(self, user, password=PASSWORD):
        self.open("/console/signin")
        form = self.one("form#signin", "the sign-in form")
        self.fill(form, "user", user)
        self.fill(form, "password", password)
        self.submit(form, lambda: self.all("#cases") or self.all("#inbox"),
                    "the inbox after %s signs in" % user)

    def sign_out(self):
        form = self.one("form#signout", "the sign-out form on every signed-in page")
        self.submit(form, lambda: self.all("form#signin"), "the sign-in page after sign-out")

    def case_row(self, case_id):
        return self.all('#cases tr[data-case="%s"]' % case_id)

    def open_case(self, case_id):
        self.open("/console/cases/" + case_id)
        self.one("#timeline", "the case page's timeline (case %s)" % case_id)

    def timeline(self):
        return [li.get_attribute("data-kind") for li in self.all("#timeline li[data-kind]")]

    def has_kind(self, kind):
        return bool(self.all('#timeline li[data-kind="%s"]' % kind))

    def action(self, name):
        return self.one("form#action-" + name, "the %s form (form#action-%s)" % (name, name))

    # -- screenshots

    def size(self, width, height):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width <= PHONE[0]})

    def fetch(self, path):
        """GETs `path` from the page (with its cookies): status, headers we care for, the first
        bytes in hex and the text."""
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: 'same-origin'}).then(async r => {
              const bytes = new Uint8Array(await r.arrayBuffer());
              done({status: r.status, type: r.headers.get('Content-Type'),
                    disposition: r.headers.get('Content-Disposition'),
                    head: Array.from(bytes.slice(0, 4)).map(b => b.toString(16).padStart(2, '0')).join(''),
                    text: new TextDecoder('utf-8').decode(bytes)});
            }).catch(e => done({status: 0, text: String(e)}));""", path)

    def shoot(self, name, element=None, sizes=None):
        """The page (or `element` scrolled into view) at every size, and in full when longer."""
        self.no_alert()
        for width, height in sizes or SIZES:
            self.size(width, height)
            # From the top, scrolled only as far as needed to show the whole element.
            self.driver.execute_script("window.scrollTo(0, 0)")
            if element is not None:
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})",
                                           element)
            base = os.path.join(self.shots, "%02d-%s-%dx%d" % (len(self.taken) + 1, name, width,
                                                               height))
            self.driver.save_screenshot(base + ".png")
            full = self.driver.execute_script(
                "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
            wide = self.driver.execute_script("return document.documentElement.scrollWidth")
            if wide > width:
                print("console tour: %s at %dx%d is %d px wide: it scrolls sideways" %
                      (name, width, height, wide), file=sys.stderr)
            if element is None and full > height:
                self.size(width, min(full, 6000))
                self.driver.execute_script("window.scrollTo(0, 0)")
                self.driver.save_screenshot(base + "-full.png")
        self.size(*SIZES[0])
        self.taken.append(name)


# [SECTION] The flow


def run(args, root):
    os.makedirs(args.shots, exist_ok=True)
    for old in os.listdir(args.shots):
        if old.endswith(".png"):
            os.remove(os.path.join(args.shots, old))

    district = District(args.district, root, args.catalog)
    district.add_account("office1", "office", OFFICE)
    # The admin gets a one-time password, as scripts/demo gives its accounts.
    admin_once = district.add_account("admin1", "admin", "530102", one_time=True)
    district.start()
    browser = None
    later = []  # failed checks that do not stop the flow
    try:
        # Accounts added while the district serves work at once, as an admin would add them.
        district.add_account("dept1", "department", DEPARTMENT)
        district.add_account("dept2", "department", OTHER_DEPARTMENT)
        station = Station(args.weimin, root, args.catalog)
        token = district.run("enroll-token", "--community", COMMUNITY).strip()
        station.run("enroll", "--server", district.url, "--token", token, "--ca", district.ca)

        # A: the loop; B: a hostile description, left waiting; C: whistled by the community
        # to the other department (the office may raise it; that department may return it).
        a_id, a_code = station.new_case("env_sanitation", "小区门口垃圾桶满溢三天无人清运",
                                        grid=COMMUNITY + "001")
        b_id, _ = station.new_case("municipal_facilities", HOSTILE)
        c_id, _ = station.new_case("property_management", "物业不修电梯，老人上下楼困难")
        station.run("case", "whistle", c_id, "--level", "community", "--kind", "routine",
                    "--dept", OTHER_DEPARTMENT, "--as", "D001")
        station.run("sync")

        browser = Browser(district.url, district.ca, root, args.shots)
        b = browser

        # Signed out, the console sends everyone to sign in; a wrong password is told.
        b.open("/console/")
        form = b.one("form#signin", "the sign-in page for a visitor without a session "
                     "(the chromium trust of the test CA, or the console's redirect, failed)")
        b.shoot("signin")
        b.fill(form, "user", "office1")
        b.fill(form, "password", "not-the-password")
        b.submit(form, lambda: [e for e in b.all(".error") if e.text.strip()] and
                 b.all("form#signin"), "an error on the sign-in page for a wrong password")
        b.shoot("signin-error")

        # The street office: finds A by its tracking code and whistles it.
        b.sign_in("office1")
        b.wait(lambda: b.case_row(a_id) and b.case_row(b_id),
               "cases A and B (collected at a community of office %s) in its inbox" % OFFICE)
        b.shoot("inbox-office")
        search = b.one("form#search", "the search form")
        b.fill(search, "q", a_code)
        b.submit(search, lambda: b.case_row(a_id), "case A found by its tracking code " + a_code)
        if b.case_row(b_id):
            raise Failure("searching %s also listed case B" % a_code)
        b.shoot("inbox-office-search")
        link = b.case_row(a_id)[0].find_element("css selector", "a.case-link")
        b.navigate(link.click, "the case page after the case link")
        b.one("#timeline", "case A's timeline")
        if not b.has_kind("collected"):
            raise Failure("case A's timeline has no collected step: %r" % b.timeline())
        b.shoot("case-office-collected")
        whistle = b.action("whistle")
        b.shoot("action-whistle", whistle)
        b.shoot("action-send-back", b.action("send-back"))
        b.fill(whistle, "level", "district")
        b.fill(whistle, "kind", "routine")
        b.fill(whistle, "departments", DEPARTMENT)
        b.fill(whistle, "note", "请尽快清运并反馈")
        b.submit(whistle, lambda: b.has_kind("whistled"), "a whistled step on case A")
        note = b.action("note")
        b.shoot("action-note", note)
        b.fill(note, "text", "已电话告知居民")
        b.submit(note, lambda: b.has_kind("note"), "the office's note on case A")

        # B's description is text, not markup, on its case page.
        b.open_case(b_id)
        b.no_alert()
        b.wait(lambda: "<script>alert(1)</script>" in b.page_text() and
               "\"双引号\"" in b.page_text() and "'single'" in b.page_text() and
               "<b>bold</b>" in b.page_text(),
               "case B's description shown literally, with its <script>, <b> and quotes")
        scripts = b.driver.execute_script(
            "return Array.from(document.querySelectorAll('script')).filter("
            "s => s.textContent.includes('alert(1)')).length")
        bold = b.driver.execute_script(
            "return Array.from(document.querySelectorAll('b')).filter("
            "e => e.textContent === 'bold').length")
        if scripts or bold:
            raise Failure("case B's description became markup on its case page")
        b.shoot("case-hostile-text")
        b.open("/console/")
        b.one("#cases", "the inbox")
        b.no_alert()

        # C was whistled at community level: the office may raise it to district level.
        b.open_case(c_id)
        b.shoot("action-escalate", b.action("escalate"))

        # An office is not an admin.
        b.open("/console/stations")
        b.one("#forbidden", "the 403 page for an office opening /console/stations")

        # Signed out, the inbox sends to sign-in.
        b.open("/console/")
        b.sign_out()
        b.open("/console/")
        b.one("form#signin", "the sign-in page when opening the inbox after sign-out")
        if "signin" not in b.path():
            raise Failure("after sign-out /console/ showed %s, not the sign-in page" % b.path())

        # The department: reports in with an expected date, then gives feedback.
        b.sign_in("dept1")
        b.wait(lambda: b.case_row(a_id), "case A in %s's inbox" % DEPARTMENT)
        if b.case_row(b_id) or b.case_row(c_id):
            raise Failure("%s's inbox lists cases not whistled to it" % DEPARTMENT)
        b.shoot("inbox-department")
        b.open_case(a_id)
        report = b.action("report")
        b.shoot("action-report", report)
        expected = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
        b.fill(report, "note", "已派环卫班组")
        b.fill(report, "expected", expected)
        b.submit(report, lambda: b.has_kind("reported"), "a reported step on case A")
        if expected not in b.page_text():
            # Told at the end, so one run shows every later step too.
            later.append("case A's page does not show the expected date %s given at report-in"
                         % expected)
        feedback = b.action("feedback")
        b.shoot("action-feedback", feedback)
        b.fill(feedback, "action", "垃圾已清运，增加清运频次")
        b.submit(feedback, lambda: b.has_kind("feedback"), "a feedback step on case A")
        b.shoot("case-department")
        # C belongs to the other department.
        b.open("/console/cases/" + c_id)
        b.one("#forbidden", "the 403 page for %s opening %s's case" % (DEPARTMENT,
                                                                      OTHER_DEPARTMENT))
        if b.all("#timeline"):
            raise Failure("the 403 page shows case C's timeline")
        b.shoot("forbidden")
        # A department reads no station's staff sheet.
        b.open("/console/figures/staff?community=%s&month=%s" %
               (COMMUNITY, datetime.date.today().strftime("%Y-%m")))
        b.one("#forbidden", "the 403 page for %s asking a staff sheet" % DEPARTMENT)
        b.open("/console/")
        b.sign_out()

        # The other department returns C as not its business (退单).
        b.sign_in("dept2")
        b.open_case(c_id)
        ret = b.action("return")
        b.shoot("action-return", ret)
        b.fill(ret, "reason", "电梯维修属物业公司与业主之间的合同事项，非本局职责")
        b.submit(ret, lambda: b.has_kind("returned"), "a returned step on case C")
        b.sign_out()

        # The station pulls, verifies with the resident, closes; the resident rates.
        station.run("sync")
        shown = station.run("case", "show", a_id, "--as", "D001")
        if "垃圾已清运" not in shown or "已派环卫班组" not in shown:
            later.append("the station's case A does not show the department's report-in note "
                         "and feedback after sync:\n" + shown)
        station.run("case", "verify", a_id, "--text", "回访居民，问题已解决", "--as", "D001")
        station.run("case", "close", a_id, "--as", "D001")
        station.run("case", "evaluate", a_id, "--rating", "satisfied", "--score", "5")
        station.run("sync")

        # The office's case page shows the whole loop, in order.
        b.sign_in("office1")
        b.open_case(a_id)
        loop = ["collected", "whistled", "reported", "feedback", "verified", "closed",
                "evaluated"]
        b.wait(lambda: b.has_kind("evaluated"), "the evaluated step on case A's timeline")
        kinds = b.timeline()
        at = 0
        for kind in kinds:
            if at < len(loop) and kind == loop[at]:
                at += 1
        if at < len(loop):
            raise Failure("case A's timeline %r lacks %r in the order %r" % (kinds, loop[at], loop))
        if "note" not in kinds:
            raise Failure("case A's timeline %r lacks the office's note" % kinds)
        for words in ["已派环卫班组", "垃圾已清运", "回访居民", "已电话告知居民"]:
            if words not in b.page_text():
                raise Failure("case A's page does not show %r" % words)
        b.shoot("case-office-closed-loop")

        # The figures page (issue 15): the office's own numbers, a rate with its counts, a table,
        # a CSV and an .xlsx download, photographed at 1366x768 and at a phone's 390 px.
        b.open("/console/")
        nav = b.one("a#nav-figures", "the figures link in the header")
        b.navigate(nav.click, "the figures page from the header")
        b.one("#rate-satisfied", "the satisfied rate on the figures page")
        satisfied = b.one("#rate-satisfied")
        if (satisfied.get_attribute("data-met"), satisfied.get_attribute("data-due")) != ("1", "1"):
            raise Failure("the satisfied rate counts %s/%s; case A was rated satisfied, so 1/1" %
                          (satisfied.get_attribute("data-met"), satisfied.get_attribute("data-due")))
        value = satisfied.find_element("css selector", ".rate-value").text
        if value != "100.0%":
            raise Failure("the satisfied rate shows %r, not 100.0%%" % value)
        community_table = b.one("table#fig-by-community", "the whistles by community").text
        if "翠湖社区" not in community_table or COMMUNITY not in community_table:
            raise Failure("table#fig-by-community lacks %s: %r" % (COMMUNITY, community_table))
        returns_table = b.one("table#fig-returns", "the returns table").text
        if "电梯维修属物业公司" not in returns_table:
            raise Failure("table#fig-returns lacks %s's return of case C: %r" %
                          (OTHER_DEPARTMENT, returns_table))
        # By grid (按网格): case A in Cuihu's first grid, by its catalog name; the others in none.
        grid_table = b.one("table#fig-by-grid", "the cases by grid").text
        if "翠湖社区第一网格" not in grid_table or "无网格" not in grid_table:
            raise Failure("table#fig-by-grid lacks grid 1 or the cases of no grid: %r" % grid_table)
        if not b.all("#fig-series-chart"):
            raise Failure("figures.js drew no chart above table#fig-series")
        csv = b.fetch(b.one("a#fig-by-department-csv").get_attribute("href"))
        if csv["status"] != 200 or not (csv["type"] or "").startswith("text/csv") or \
                csv["head"][:6] != "efbbbf" or DEPARTMENT not in csv["text"] or \
                "attachment" not in (csv["disposition"] or ""):
            raise Failure("the department table's CSV download is wrong: %r" %
                          {k: (v[:200] if isinstance(v, str) else v) for k, v in csv.items()})
        xlsx = b.fetch(b.one("a#fig-by-department-xlsx").get_attribute("href"))
        if xlsx["status"] != 200 or xlsx["head"] != "504b0304":
            raise Failure("the department table's .xlsx download is no zip: %r" %
                          {k: v for k, v in xlsx.items() if k != "text"})
        b.shoot("figures-office", sizes=[SIZES[0], PHONE])
        b.size(*PHONE)
        # Chart.js follows a resize from a ResizeObserver, later; a loaded machine measured the
        # canvas still at the desktop width. Resize the charts now, then measure.
        b.driver.execute_script(
            "if (window.Chart) Object.values(Chart.instances).forEach(c => c.resize());")
        wide = b.driver.execute_script("return document.documentElement.scrollWidth")
        if wide > PHONE[0]:
            raise Failure("the figures page is %d px wide at %d px: it overflows a phone" %
                          (wide, PHONE[0]))
        for css in ["form#fig-period input[name=from]", "form#fig-period input[name=to]",
                    "form#fig-period select[name=by]", "form#fig-period button",
                    "a#fig-this-month", "a#fig-last-month", "a#fig-this-year",
                    "a#fig-by-department-csv", "a#nav-figures", "form#signout button"]:
            element = b.one(css)
            b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            box = b.driver.execute_script(
                "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right, r.width];",
                element)
            if not element.is_displayed() or box[0] < 0 or box[1] > PHONE[0] or box[2] < 1:
                raise Failure("%s is out of reach at %d px: %r" % (css, PHONE[0], box))
        table = b.one("table#fig-by-department")
        scroll = b.driver.execute_script(
            "const s = arguments[0].parentNode; return [arguments[0].scrollWidth, s.clientWidth, "
            "getComputedStyle(s).overflowX];", table)
        if scroll[0] > scroll[1] and scroll[2] not in ("auto", "scroll"):
            raise Failure("table#fig-by-department is wider than a phone and does not scroll: %r"
                          % scroll)
        b.size(*SIZES[0])
        staff = b.one("form#staff-pick", "the staff sheet picker")
        b.submit(staff, lambda: b.all("table#staff-sheet"), "the monthly staff sheet of %s" %
                 COMMUNITY)
        # D001 verified and closed case A this month: its row counts them.
        rows = [r.text for r in b.all("table#staff-sheet tbody tr")]
        if not any(r.startswith("D001") for r in rows):
            raise Failure("the staff sheet of %s has no row for D001, who closed case A: %r" %
                          (COMMUNITY, rows))
        b.shoot("figures-staff", sizes=[SIZES[0], PHONE])
        b.open_case(a_id)

        # English.
        chinese = b.page_text()
        en = b.one("a#lang-en", "the English link")
        b.navigate(en.click, "the page after switching to English")
        b.one("#timeline", "case A's page in English")
        if b.page_text() == chinese:
            raise Failure("a#lang-en left case A's page as it was")
        lang = b.driver.execute_script("return document.documentElement.lang")
        if lang and not lang.startswith("en"):
            raise Failure("the English page says lang=%r" % lang)
        b.shoot("case-en")
        b.open("/console/")
        b.one("#cases", "the inbox in English")
        b.shoot("inbox-office-en", sizes=SIZES + [PHONE])
        fits_phone(b, "the inbox in English", ["#cases tr[data-case] a.case-link"])
        zh = b.one("a#lang-zh", "the Chinese link")
        b.navigate(zh.click, "the page after switching to Chinese")
        b.one("#cases", "the inbox after switching back to Chinese")
        lang = b.driver.execute_script("return document.documentElement.lang")
        if lang and not lang.startswith("zh"):
            raise Failure("a#lang-zh left the page with lang=%r" % lang)
        b.sign_out()

        # The admin: everything, stations, an enrolment token, accounts and the audit.
        # A one-time password must be changed at the first sign-in.
        b.open("/console/signin")
        form = b.one("form#signin", "the sign-in form")
        b.fill(form, "user", "admin1")
        b.fill(form, "password", admin_once)
        change = b.submit(form, lambda: (b.all("form#change-password") or [None])[0],
                          "the forced password change after signing in with a one-time password")
        b.shoot("password-forced")
        b.fill(change, "old_password", admin_once)
        b.fill(change, "new_password", PASSWORD)
        b.fill(change, "new_password_again", PASSWORD)
        b.submit(change, lambda: b.all("#cases"), "the inbox after changing the password")
        b.wait(lambda: b.case_row(a_id) and b.case_row(b_id) and b.case_row(c_id),
               "cases A, B and C in the admin's inbox")
        b.shoot("inbox-admin")
        b.open("/console/stations")
        issue = b.one("form#issue-token", "the stations page's form#issue-token")
        if COMMUNITY not in b.page_text():
            raise Failure("the stations page does not list the enrolled station of %s" %
                          COMMUNITY)
        b.shoot("stations")
        if issue.find_elements("css selector", "[name=community]"):
            b.fill(issue, "community", "530102001002")
        b.submit(issue, lambda: "530102001002" in b.page_text() or b.all(".token"),
                 "the new enrolment token shown once")
        b.shoot("stations-token")
        # The token shown once in the browser enrols a second station.
        import re
        shown = re.search(r"530102001002\s*[:：]\s*(\S+)", b.page_text())
        if not shown:
            raise Failure("no enrolment token for 530102001002 on the page: %s" %
                          b.page_text()[:800])
        second = Station(args.weimin, root, args.catalog, community="530102001002",
                         folder="station2")
        second.run("enroll", "--server", district.url, "--token", shown.group(1), "--ca",
                   district.ca)
        b.open("/console/stations")
        b.wait(lambda: "station:530102001002" in b.page_text(),
               "the second station, enrolled with the console's token, on the stations page")
        b.open("/console/accounts")
        b.wait(lambda: all(u in b.page_text() for u in ["office1", "dept1", "dept2", "admin1"]),
               "every account on /console/accounts")
        b.shoot("accounts")
        b.open("/console/audit")
        b.wait(lambda: "office1" in b.page_text() and "dept1" in b.page_text(),
               "the office's and the department's actions in the audit")
        b.shoot("audit")
        b.sign_out()

        issue16_pages(b, district, station, later, a_id)
        if later:
            failed = list(later)
            later.clear()
            raise Failure("the flow ran to its end, but:\n- " + "\n- ".join(failed))
        print("console e2e: every check passed; %d pages photographed at %s into %s" %
              (len(b.taken), ", ".join("%dx%d" % s for s in SIZES), args.shots))
    except BaseException:
        if later:
            print("console e2e: before that, these checks failed too:\n- " +
                  "\n- ".join(later), file=sys.stderr)
        if browser is not None:
            try:
                browser.driver.save_screenshot(os.path.join(args.shots, "FAILED.png"))
                print("console e2e: the page at the failure is %s" %
                      os.path.join(args.shots, "FAILED.png"), file=sys.stderr)
            except Exception:  # noqa: BLE001
                pass
        print("--- district log (last lines) ---\n" + district.log_tail(), file=sys.stderr)
        raise
    finally:
        if browser is not None:
            browser.quit()
        district.stop()


# [SECTION] Issue 16: grids, neighbour services, consultation, work access, certificates

GRID1 = "530102001001001"  # 翠湖社区第一网格
GRID2 = "530102001001002"  # 翠湖社区第二网格
PAGE = 2  # rows a page: the district is restarted with --console-page-size 2


def in_reach(b, css, width):
    """Fails when `css` is not shown whole within `width` px once scrolled to."""
    element = b.one(css)
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    box = b.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right, r.width, "
        "r.height];", element)
    if not element.is_displayed() or box[0] < 0 or box[1] > width or box[2] < 1 or box[3] < 1:
        raise Failure("%s is out of reach at %d px: %r" % (css, width, box))


def fits_phone(b, what, links):
    """At a phone's width the page does not scroll sideways and its paging links are in reach."""
    b.size(*PHONE)
    wide = b.driver.execute_script("return document.documentElement.scrollWidth")
    if wide > PHONE[0]:
        raise Failure("%s is %d px wide at %d px: it overflows a phone" % (what, wide, PHONE[0]))
    for css in links:
        in_reach(b, css, PHONE[0])
    b.size(*SIZES[0])


def rows(b, css, attr):
    return [r.get_attribute(attr) for r in b.all(css)]


def follow(b, css, what):
    """Clicks the link `css` (a plain link: the next page is a new document)."""
    link = b.one(css, what)
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    b.navigate(link.click, what)


def walk_pages(b, table_css, attr, paging, total, what):
    """From the first page of a list: PAGE rows a page, next until the last, every row once;
    then previous back to the first. Returns the rows seen."""
    seen = []
    pages = (total + PAGE - 1) // PAGE
    for n in range(pages):
        shown = rows(b, table_css, attr)
        want = min(PAGE, total - n * PAGE)
        if len(shown) != want:
            raise Failure("%s page %d shows %d rows, not %d: %r" % (what, n + 1, len(shown),
                                                                    want, shown))
        seen += shown
        has_prev = bool(b.all("#%s-prev" % paging))
        if has_prev != (n > 0):
            raise Failure("%s page %d %s a previous link" % (what, n + 1,
                                                             "has" if has_prev else "lacks"))
        if n + 1 < pages:
            follow(b, "#%s-next" % paging, "%s page %d by its next link" % (what, n + 2))
        elif b.all("#%s-next" % paging):
            raise Failure("%s's last page (%d) still has a next link" % (what, n + 1))
    if len(set(seen)) != total:
        raise Failure("%s: %d rows over %d pages, %d distinct, not %d: %r" %
                      (what, len(seen), pages, len(set(seen)), total, seen))
    for n in range(pages - 1, 0, -1):
        follow(b, "#%s-prev" % paging, "%s page %d by its previous link" % (what, n))
    if rows(b, table_css, attr) != seen[:PAGE]:
        raise Failure("%s: back on the first page by the previous links it shows %r, not %r" %
                      (what, rows(b, table_css, attr), seen[:PAGE]))
    return seen


def issue16_pages(b, district, station, later, case_a):
    # The station's work of issue 16, synced: three more cases in grid 1 (case A, closed, is
    # there already) and one in grid 2, five
    # wishes, five consultation topics (one with a meeting), five work-access applications
    # (pending), three hardship certificates.
    grid1 = [case_a] + [
        station.new_case("env_sanitation", "网格一：楼道堆物 %d" % i, "--grid", GRID1)[0]
        for i in range(3)]
    grid2 = station.new_case("municipal_facilities", "网格二：井盖松动", "--grid", GRID2)[0]
    for i, kind in enumerate(["elderly", "childcare", "micro_wish", "health", "hardship"]):
        station.run("wish", "post", "心愿%d：想请人帮忙" % i, "--kind", kind)
    import json
    topics = [json.loads(station.run("--json", "consult", "raise", "议题%d：小区停车" % i,
                                     "--detail", "居民反映", "--as", "D001"))
              for i in range(5)]
    station.run("consult", "meeting", topics[0]["topic_id"], "--participants", "23",
                "--minutes", "居民与物业协商", "--as", "D001")
    for i in range(5):
        station.run("access", "apply", "--department", DEPARTMENT if i % 2 else "police",
                    "--task", "准入事项%d：入户宣传" % i, "--evidence", "五城管〔2026〕%d号" % i,
                    "--as", "D001")
    for i in range(3):
        station.run("certificate", "issue", "--name", "张三%d" % i, "--id",
                    "11010519491231002X", "--basis", "失业，家庭困难%d" % i, "--as", "D001")
    station.run("sync")

    # Two rows a page, from the same store: the district restarted.
    district.stop()
    district.start("--console-page-size", str(PAGE))
    b.base = district.url.rstrip("/")
    b.sign_in("office1")

    # Cases filtered by grid, with the community's per-grid counts.
    b.open("/console/?tab=all")
    form = b.one("form#filters", "the inbox's filters")
    b.fill(form, "community", COMMUNITY)
    b.fill(form, "grid", GRID1)
    b.submit(form, lambda: b.all("table#by-grid"), "the inbox filtered to %s" % GRID1)
    counts = b.one('table#by-grid tr[data-grid="%s"]' % GRID1).text
    if counts.split()[-3:] != ["4", "1", "0"]:
        raise Failure("the by-grid table's row of %s says %r; 4 cases were collected there, "
                      "1 closed, none overdue" % (GRID1, counts))
    shown = rows(b, "#cases tr[data-case]", "data-case")
    if len(shown) != PAGE or not set(shown) <= set(grid1):
        raise Failure("the inbox filtered to grid %s shows %r; its cases are %r" %
                      (GRID1, shown, grid1))
    b.shoot("inbox-grid", sizes=SIZES + [PHONE])
    fits_phone(b, "the inbox", ["a#next-page", "#cases tr[data-case] a.case-link"])
    follow(b, "a#next-page", "the second page of grid %s's cases" % GRID1)
    rest = rows(b, "#cases tr[data-case]", "data-case")
    if set(shown + rest) != set(grid1) or grid2 in rest:
        raise Failure("grid %s's cases over two pages are %r and %r, not %r" %
                      (GRID1, shown, rest, grid1))
    chosen = b.one("form#filters select[name=grid] option[selected]").get_attribute("value")
    if chosen != GRID1:
        raise Failure("the second page forgot the grid filter (it shows %r)" % chosen)
    follow(b, "a#first-page", "the first page of grid %s's cases" % GRID1)
    if rows(b, "#cases tr[data-case]", "data-case") != shown:
        raise Failure("the first-page link left the grid filter: %r" %
                      rows(b, "#cases tr[data-case]", "data-case"))

    # Neighbour services: figures count all five wishes; the list pages two at a time.
    nav = b.one("a#nav-wishes", "the neighbour-services link in the header")
    b.navigate(nav.click, "the neighbour-services page")
    b.one("table#wish-list", "the wishes on /console/wishes")
    if b.one("#fig-posted").text.strip() != "5":
        raise Failure("the wishes page counts %r wishes posted, not 5" % b.one("#fig-posted").text)
    if "心愿" not in b.one("table#wish-list").text:
        raise Failure("the wish list does not show the wishes' text: %r" %
                      b.one("table#wish-list").text)
    b.shoot("wishes", sizes=SIZES + [PHONE])
    fits_phone(b, "the wishes page", ["#wish-paging-next", "a#nav-wishes"])
    walk_pages(b, "table#wish-list tr[data-wish]", "data-wish", "wish-paging", 5, "the wishes")
    follow(b, "#wish-paging-next", "the wishes' second page")
    b.shoot("wishes-page2", b.one("section[aria-labelledby=wish-list-h]"))

    # Consultation, work access and the certificate register.
    nav = b.one("a#nav-govern", "the consultation and work-access link in the header")
    b.navigate(nav.click, "the consultation and work-access page")
    b.one("table#govern-topics", "the consultation topics")
    figures = {k: b.one("#fig-" + k).text.strip() for k in
               ["topics", "activities", "applications", "pending", "certificates"]}
    if figures != {"topics": "5", "activities": "1", "applications": "5",
                   "pending": "5", "certificates": "3"}:
        raise Failure("the govern page's figures are %r" % figures)
    for words, table in [("议题", "govern-topics"), ("准入事项", "govern-applications"),
                         ("失业，家庭困难", "govern-certificates")]:
        if words not in b.one("table#" + table).text:
            raise Failure("table#%s does not show %r: %r" % (table, words,
                                                             b.one("table#" + table).text))
    if "11010519491231002X" in b.page_text():
        raise Failure("the certificate register shows a resident's identity number unmasked")
    b.shoot("govern", sizes=SIZES + [PHONE])
    fits_phone(b, "the govern page", ["#topic-paging-next", "#application-paging-next",
                                      "#certificate-paging-next"])
    walk_pages(b, "table#govern-topics tr[data-topic]", "data-topic", "topic-paging", 5,
               "the consultation topics")
    walk_pages(b, "table#govern-applications tr[data-application]", "data-application",
               "application-paging", 5, "the work-access applications")
    follow(b, "#application-paging-next", "the applications' second page")
    b.shoot("govern-applications-page2", b.one("section[aria-labelledby=govern-apps-h]"))
    # The certificates' pages keep the applications' page.
    walk_pages(b, "table#govern-certificates tr[data-entry]", "data-entry",
               "certificate-paging", 3, "the certificate register")
    if "applications_from=%d" % PAGE not in b.driver.current_url:
        raise Failure("paging the certificates lost the applications' page: %s" %
                      b.driver.current_url)
    follow(b, "#certificate-paging-next", "the certificate register's second page")
    b.shoot("govern-certificates-page2", b.one("section[aria-labelledby=govern-certs-h]"))
    b.sign_out()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    source = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weimin", required=True, help="the built weimin (station CLI)")
    parser.add_argument("--district", required=True, help="the built weimin-district")
    parser.add_argument("--catalog", default=os.path.join(source, "assets/catalog/wuhua.json"))
    parser.add_argument("--shots", default=os.path.join(source, "build/console-tour"),
                        help="the folder for the screenshots (default build/console-tour)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (district, station, logs)")
    args = parser.parse_args()
    for name in ("weimin", "district", "catalog"):
        path = os.path.abspath(getattr(args, name))
        if not os.path.exists(path):
            print("console e2e: %s not found: %s (build it first)" % (name, path),
                  file=sys.stderr)
            return 1
        setattr(args, name, path)
    args.shots = os.path.abspath(args.shots)
    try:
        need_tools()
    except Failure as f:
        print("console e2e FAILED: %s" % f, file=sys.stderr)
        return 1
    root = tempfile.mkdtemp(prefix="weimin-console-e2e-")
    ok = False
    try:
        run(args, root)
        ok = True
    except Failure as f:
        print("console e2e FAILED: %s" % f, file=sys.stderr)
    except Exception:  # noqa: BLE001 - a driver error is a failure with its trace
        print("console e2e FAILED with an error:\n" + traceback.format_exc(), file=sys.stderr)
    finally:
        if args.keep or not ok:
            print("console e2e: the test's folder is kept: %s" % root, file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
