// Orders service, written for the cloc agreement test.
using System;

namespace Shop
{
    /* block
     * comment */
    public class Orders
    {
        private readonly string path = "C:\\orders\\"; // a path
        public int Count { get; set; } /* inline */ 

        public void Add() { Count++; }
    }
}
