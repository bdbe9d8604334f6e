"""Transport: Socket.IO namespaces and HTTP routes. Parse, call one service function, emit."""
