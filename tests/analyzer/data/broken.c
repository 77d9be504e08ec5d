/* Does not compile: heddle reports it and exits 2. */
int broken(int x) {
  return x +;
}
