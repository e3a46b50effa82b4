/* sweep.c - placeholder while the sweep is written */
int main(void) { return 0; }
