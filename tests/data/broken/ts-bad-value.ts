# expect: 5:3 "x" in dimension 1; expected a number or '?'
@problemName Broken
@classLabel true a b
@data
1,x,3:a
