// Queue, written for the cloc agreement test.
#include <queue>

/* a block
   comment */
int main() {
    std::queue<int> q; // trailing
    q.push(1); /* inline */ q.pop();
    return 0;
}
