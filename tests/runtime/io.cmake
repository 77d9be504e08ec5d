# tests for the runtime's io area
