/**
 * Replies the customer hasn't seen yet: a count on the launcher and in the page title.
 *
 * The customer is looking while the panel is open and the tab visible. A bot, agent or system
 * message (an agent joining is one) that arrives while they aren't counts as unread until they
 * look. What was seen is the highest `seq` shown while looking, kept with the session
 * (`ChatClient.seenSeq`, localStorage), so a reload neither announces old replies again nor
 * forgets ones that came while the customer was away.
 */

const TITLE_PREFIX = /^\(\d+\) New messages? — /;

export class Attention {
  /**
   * @param {{badge: HTMLElement, launcher: HTMLElement, seen: () => number, markSeen: (seq: number) => void}} parts
   */
  constructor({ badge, launcher, seen, markSeen }) {
    this.badge = badge;
    this.launcher = launcher;
    this.seen = seen;
    this.markSeen = markSeen;
    this.open = false;
    this.unread = new Set();
    this.onVisibility = () => this.refresh();
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  get count() {
    return this.unread.size;
  }

  isLooking() {
    return this.open && document.visibilityState === "visible";
  }

  setOpen(open) {
    this.open = open;
    this.refresh();
  }

  /** A message was shown (live or replayed); count it when it is new and nobody is looking. */
  note(entry) {
    if (entry.sender === "customer" || !Number.isInteger(entry.seq) || entry.seq <= this.seen()) return;
    if (this.isLooking()) this.markSeen(entry.seq);
    else this.unread.add(entry.seq);
    this.render();
  }

  /** The customer may have just looked: everything shown counts as seen. */
  refresh() {
    if (this.isLooking() && this.unread.size) {
      this.markSeen(Math.max(...this.unread));
      this.unread.clear();
    }
    this.render();
  }

  render() {
    const n = this.unread.size;
    this.badge.textContent = n ? String(n) : "";
    this.badge.hidden = !n;
    this.launcher.setAttribute("aria-label", n ? `Chat with us, ${n} new message${n === 1 ? "" : "s"}` : "Chat with us");
    const base = document.title.replace(TITLE_PREFIX, "");
    const title = n ? `(${n}) New message${n === 1 ? "" : "s"} — ${base}` : base;
    if (document.title !== title) document.title = title;
  }

  destroy() {
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.unread.clear();
    this.render();
  }
}
