package io.agentwire.socketfactory.server;

/**
 * An intrusive doubly linked list of connections, in insertion order, with O(1) add, remove and
 * move to the end: the server keeps connections in deadline order this way (accept time for
 * handshakes, last activity for idle connections, last progress for slot holders), so expiry looks
 * only at the head. Each connection has one set of links for its primary list (handshaking,
 * established, closing) and one for the slot holders. Selector thread only; {@link #size()} may be
 * read from any thread.
 */
final class ConnList {

  private final boolean slots;
  private Conn head;
  private Conn tail;
  private volatile int size;

  ConnList(boolean slots) {
    this.slots = slots;
  }

  Conn first() {
    return head;
  }

  int size() {
    return size;
  }

  void add(Conn c) {
    setPrev(c, tail);
    setNext(c, null);
    if (tail == null) {
      head = c;
    } else {
      setNext(tail, c);
    }
    tail = c;
    size++;
    if (!slots) {
      c.list = this;
    }
  }

  void remove(Conn c) {
    Conn p = prev(c);
    Conn n = next(c);
    if (p == null) {
      head = n;
    } else {
      setNext(p, n);
    }
    if (n == null) {
      tail = p;
    } else {
      setPrev(n, p);
    }
    setPrev(c, null);
    setNext(c, null);
    size--;
    if (!slots) {
      c.list = null;
    }
  }

  void moveToEnd(Conn c) {
    if (tail != c) {
      remove(c);
      add(c);
    }
  }

  private Conn prev(Conn c) {
    return slots ? c.slotPrev : c.prev;
  }

  private Conn next(Conn c) {
    return slots ? c.slotNext : c.next;
  }

  private void setPrev(Conn c, Conn p) {
    if (slots) {
      c.slotPrev = p;
    } else {
      c.prev = p;
    }
  }

  private void setNext(Conn c, Conn n) {
    if (slots) {
      c.slotNext = n;
    } else {
      c.next = n;
    }
  }
}
