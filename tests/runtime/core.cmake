# tests for the runtime's core area
