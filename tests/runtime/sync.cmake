# tests for the runtime's sync area
