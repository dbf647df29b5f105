#!/usr/bin/env ruby
# Cart, written for the cloc agreement test.
class Cart
  def total(items)
    items.sum # trailing
  end
end
=begin
a block comment
=end
puts Cart.new.total([1, 2])
