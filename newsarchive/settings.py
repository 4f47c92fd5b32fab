"""Scrapy settings for newsarchive: polite defaults, and the NEWSARCHIVE_* options."""
import os

from newsarchive import __version__

BOT_NAME = "newsarchive"
# The second: the worker of a crawl past one machine, for scrapyd (docs/distributed.md).
SPIDER_MODULES = ["spiders", "newsarchive.distributed.scrapyd_worker"]
NEWSPIDER_MODULE = "spiders"


def user_agent(contact: str | None) -> str:
    """The User-Agent: the software, what it does, and the operator's contact (URL or e-mail) when given."""
    return f"newsarchive/{__version__} (archiving news and comments{'; +' + contact if contact else ''})"


# Politeness: obey robots.txt, say who we are, adapt to the server, one site at a time.
ROBOTSTXT_OBEY = True
# Where a site's owner can reach whoever runs the crawl (a URL or an e-mail address), added to the
# User-Agent: env NEWSARCHIVE_CONTACT, or -s NEWSARCHIVE_CONTACT=… on the command line.
NEWSARCHIVE_CONTACT = os.environ.get("NEWSARCHIVE_CONTACT") or ""
USER_AGENT = user_agent(NEWSARCHIVE_CONTACT)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 60

# Retries: server errors and rate limits are retried, then reported in the failures table.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A 429/503 is retried only after its Retry-After (or NEWSARCHIVE_RETRY_AFTER_DEFAULT seconds);
# a Retry-After over NEWSARCHIVE_RETRY_AFTER_MAX seconds is not waited for: the page is reported.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsarchive.middlewares.RetryAfterMiddleware": 550,
    # robots.txt is checked for every request by our own gate (newsarchive/limits.py), not Scrapy's.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsarchive.limits.RequestCap": 110,
    "newsarchive.limits.RobotsGate": 100,
    # Above HttpCompression (590) and Redirect (600): it sees each response as it arrived.
    "newsarchive.warcwriter.WarcWriterMiddleware": 650,
    # Below HttpCompression (590): a mapped host's decoded pages, its base's links put back on it.
    "newsarchive.hostmap.RealLinksMiddleware": 585,
}
NEWSARCHIVE_RETRY_AFTER_DEFAULT = 5.0
NEWSARCHIVE_RETRY_AFTER_MAX = 120.0
# Politeness across processes (newsarchive/redis_politeness.py): given a Redis (NEWSARCHIVE_REDIS_URL,
# a worker's REDIS_URL), all the processes sharing it keep CONCURRENT_REQUESTS_PER_DOMAIN and
# DOWNLOAD_DELAY together, per domain (without it, Scrapy's downloader as is); a killed process's
# leases lapse after NEWSARCHIVE_POLITENESS_LEASE seconds.
NEWSARCHIVE_POLITENESS_LEASE = 30.0
DOWNLOADER = "newsarchive.redis_politeness.PoliteDownloader"

# Widget hosts under test and offline (newsarchive/hostmap.py): NEWSARCHIVE_HOST_MAP, a JSON object
# {"disqus.com": "http://127.0.0.1:9001"}, sends every request to a host to that base instead,
# while robots.txt, politeness and the archive keep the real URLs.
DOWNLOAD_HANDLERS = {"http": "newsarchive.browser.RenderingDownloadHandler",
                     "https": "newsarchive.browser.RenderingDownloadHandler"}
NEWSARCHIVE_HOST_MAP = {}

# The Graph API access token the Facebook comments-plugin adapter sends (an Authorization header, never
# in a URL, so never archived); without one Facebook refuses and the page keeps the thread its HTML holds.
NEWSARCHIVE_FACEBOOK_TOKEN = None

# WARC/1.1 files of every response as received, with its request (newsarchive/warcwriter.py), written
# to this folder when set; a new file is started once one reaches NEWSARCHIVE_WARC_MAX_SIZE bytes.
NEWSARCHIVE_WARC_DIR = None
NEWSARCHIVE_WARC_MAX_SIZE = 1_000_000_000

# Rendering (newsarchive/browser.py, spider argument -a render=never|auto|always): article pages whose
# thread scripts build are rendered in Debian's Chromium through scrapy-playwright (started with the
# first such page; nothing is downloaded). Each page's "load more"/"show replies" buttons are clicked
# and it is scrolled until it stops growing: at most NEWSARCHIVE_RENDER_MAX_CLICKS clicks and
# NEWSARCHIVE_RENDER_TIMEOUT seconds, a wait of NEWSARCHIVE_RENDER_SETTLE seconds for growth, and
# NEWSARCHIVE_MAX_COMMENT_BYTES of DOM. Pages render in at most NEWSARCHIVE_RENDER_CONTEXTS browser
# contexts (PLAYWRIGHT_MAX_CONTEXTS is set from it), one page each, each page closed once read, so
# that the browser's memory stays bounded.
PLAYWRIGHT_LAUNCH_OPTIONS = {"executable_path": "/usr/bin/chromium",
                             "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                      "--disable-background-networking", "--disable-component-update",
                                      "--disable-sync"]}
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 1
NEWSARCHIVE_RENDER_CONTEXTS = 2
NEWSARCHIVE_RENDER_MAX_CLICKS = 100
NEWSARCHIVE_RENDER_TIMEOUT = 60.0
NEWSARCHIVE_RENDER_SETTLE = 2.0

# Non-2xx responses reach the spider so that it can record why an article is missing.
HTTPERROR_ALLOW_ALL = True

# Bounded responses: a page over this size, sent or once decompressed (HTTP bodies, .xml.gz sitemaps,
# WARC records on import), is dropped and reported (huge pages, gzip bombs).
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
# A truncated body is still archived (and flagged) rather than lost.
DOWNLOAD_FAIL_ON_DATALOSS = False
REDIRECT_MAX_TIMES = 10
# A <meta http-equiv="refresh"> anywhere in a page (a commenter's raw HTML, an ad) would make Scrapy
# fetch its target instead of archiving the article: only HTTP redirects are followed.
METAREFRESH_ENABLED = False

# Caps: every crawl ends, whatever a site links. A request past a cap is not sent; the first one of
# each cap is recorded in `failures` ("cap reached: SETTING = N") and all are counted in the crawl's
# stats (newsarchive/capped/...). 0 turns a cap off.
NEWSARCHIVE_MAX_REQUESTS = 250_000  # requests per crawl (retries, redirects and robots.txt included)
NEWSARCHIVE_MAX_LISTING_PAGES = 2_000  # listing pages per section (its path without page numbers or dates)
NEWSARCHIVE_MAX_LISTING_DEPTH = 10  # hops from a start page into another section (paging does not count)
NEWSARCHIVE_MAX_SITEMAP_DEPTH = 4  # sitemap indexes nested under a start sitemap
NEWSARCHIVE_MAX_SITEMAPS = 5_000  # sitemaps read per crawl
NEWSARCHIVE_MAX_COMMENT_PAGES = 200  # comment pages per article (past it, the thread is kept partial)
NEWSARCHIVE_MAX_COMMENT_BYTES = 16 * 1024 * 1024  # bytes of comment pages held per article
SPIDER_MIDDLEWARES = {"newsarchive.limits.DiscoveryCaps": 50,
                      "newsarchive.distributed.coordinator.JobDispatch": 40}

# Breadth-first, so discovery pages do not pile up half-fetched articles in memory.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Extraction runs first: its worker also hashes and compresses the bodies the archive stage stores.
ITEM_PIPELINES = {
    "newsarchive.pipelines.ExtractPipeline": 100,
    "newsarchive.pipelines.ArchivePipeline": 400,
}
EXTENSIONS = {
    "newsarchive.pipelines.CrawlRecorder": 100,
    "newsarchive.collector.CollectorTuning": 110,
    "newsarchive.progress.CrawlProgress": 120,
}
# The live crawl line on stderr (newsarchive/progress.py); the CLI turns it on when stderr is a terminal.
NEWSARCHIVE_PROGRESS = False
# The cyclic garbage collector's youngest generation runs every this many allocations while a
# spider runs (Python: 700), the start-up objects frozen out of its sight (0: Python's defaults).
NEWSARCHIVE_GC_THRESHOLD = 10000

# Writes are batched: up to this many articles (with their captures and threads) per transaction,
# committed at least every NEWSARCHIVE_BATCH_SECONDS; a crash loses at most the open batch, which
# the next crawl fetches again (0: one transaction per write).
NEWSARCHIVE_BATCH_ARTICLES = 50
NEWSARCHIVE_BATCH_SECONDS = 1.0

# The archive every crawl writes to (the CLI sets it from --db / NEWSARCHIVE_DB).
NEWSARCHIVE_DB = os.environ.get("NEWSARCHIVE_DB") or "archive.db"

# Revisits (newsarchive/revisit.py): an archived article is fetched again on a schedule that decays
# with its age (since published, else since first seen). Each step reads "while younger than AGE,
# revisit every INTERVAL": hourly for 6 hours, every 4 hours up to 2 days, daily up to a week, then
# weekly. At the horizon it gets a last visit and is settled: never fetched again (unless a crawl is
# run with `-a revisit=all`). A thread that gained comments at the last visit (or whose comment
# pages did not all arrive) waits INTERVAL x GROWING_FACTOR instead. Durations: 30m, 6h, 2d, 1w.
NEWSARCHIVE_REVISIT_STEPS = [("6h", "1h"), ("2d", "4h"), ("7d", "1d"), ("30d", "7d")]
NEWSARCHIVE_REVISIT_HORIZON = "30d"
NEWSARCHIVE_REVISIT_GROWING_FACTOR = 0.5

# What a crawl leaves pending (a 5xx, a timeout, a truncated page, a thread with comment pages
# missing) is tried again by later crawls: the next one at once, then after NEWSARCHIVE_RETRY_BACKOFF,
# doubled at each failure, until NEWSARCHIVE_MAX_ATTEMPTS tries; then it is given up (frontier: failed).
NEWSARCHIVE_MAX_ATTEMPTS = 5
NEWSARCHIVE_RETRY_BACKOFF = "10m"

# Dropped pages are logged with their reason only.
LOG_FORMATTER = "newsarchive.logformat.ReasonLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"

# Extraction runs in this many worker processes beside the crawl (the default: 2 when the machine has
# a second core, else 0 = in the crawl's own process; see newsarchive.offload.default_processes).
NEWSARCHIVE_EXTRACT_PROCESSES = None
# Items of one response pass the pipelines a few at a time; Scrapy's default of 100 makes 100 asyncio
# tasks per response, which cost more than the one or two items our callbacks yield.
CONCURRENT_ITEMS = 8
# Scrapy checks each generator callback for a "return value" by reading its source with inspect and
# ast; its cache is keyed by the bound method, new on every request, so it would re-parse the
# spider's source for every response. Our callbacks are tested; the check is off.
WARN_ON_GENERATOR_RETURN_VALUE = False
# No consoles into a crawl that runs unattended for months: Scrapy's telnet console and its remote
# control server (which runs Python sent over HTTP) stay off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Past one machine (newsarchive/distributed/): with NEWSARCHIVE_REDIS_URL (`crawl --redis URL`) this crawl
# is the coordinator: article jobs go to `newsarchive worker` processes through Redis, results come back
# on a stream and are written here. A job a worker took and sent nothing for in NEWSARCHIVE_JOB_TIMEOUT
# seconds (the worker died) is delivered again; workers renew the jobs they are working on.
NEWSARCHIVE_REDIS_URL = None
NEWSARCHIVE_JOB_TIMEOUT = 60
